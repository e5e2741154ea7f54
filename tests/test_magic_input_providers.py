"""Magic input (POST /api/ai/configure) through Anthropic, Gemini and OpenAI-compatible servers:
the real SDKs against the fake provider server (tests/fake_ai_server.py). The node's schema
reaches each provider's structured-output request, invalid answers are retried with the errors,
a rejected key is a clear error, and an openai_compatible base_url or a named credential is
used without a key ever reaching a prompt, a log line or an answer."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from accounts.models import SecurityEvent
from credentials import store
from editor import magic
from tests.fake_ai_server import FakeAIServer, Recorded, Reply, fake_ai_server

URL = "/api/ai/configure"
KEYS = {
    "openai": "sk-magic-openai-0123456789abcdef",
    "anthropic": "sk-ant-magic-0123456789abcdef",
    "gemini": "AIzaMagicGemini0123456789abcdef",
}
SETTINGS = {"anthropic": "ANTHROPIC_API_KEY", "gemini": "GEMINI_API_KEY"}
CREDENTIAL_KEY = "sk-alices-credential-key-9876543210"
BAD = {"method": "FETCH", "url": "https://api.example.com/orders"}
GOOD = {"method": "POST", "url": "https://api.example.com/orders"}


def answer(config: Any, confidence: float = 0.9, reasoning: str = "Looks right.") -> Reply:
    return Reply(json={"config": config, "confidence": confidence, "reasoning": reasoning})


@pytest.fixture
def fake(settings: Any):
    with fake_ai_server() as server:
        settings.OPENAI_API_KEY = KEYS["openai"]
        settings.OPENAI_BASE_URL = server.openai_url
        settings.ANTHROPIC_API_KEY = KEYS["anthropic"]
        settings.ANTHROPIC_BASE_URL = server.anthropic_url
        settings.GEMINI_API_KEY = KEYS["gemini"]
        settings.GEMINI_BASE_URL = server.gemini_url
        settings.WORKFUSE_AI_PROVIDER = ""
        settings.WORKFUSE_AI_RATE = "100/h"
        settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
        yield server


def sent_key(request: Recorded) -> str:
    headers = request.headers
    return (
        headers.get("x-goog-api-key")
        or headers.get("x-api-key")
        or headers.get("authorization", "").removeprefix("Bearer ")
    )


def sent_text(request: Recorded) -> str:
    """Every prompt text of a request, whatever the wire format."""
    body = request.body
    if request.provider == "gemini":
        parts = [p for c in body["contents"] for p in c["parts"]]
        parts += body.get("systemInstruction", {}).get("parts", [])
        return "\n".join(p.get("text", "") for p in parts)
    texts = [str(m["content"]) for m in body["messages"]]
    return "\n".join([str(body.get("system", "")), *texts])


def answer_schema(request: Recorded) -> dict[str, Any]:
    """The JSON Schema a structured-output request asked the provider to follow."""
    body = request.body
    if request.provider == "anthropic":
        if "output_config" in body:
            return body["output_config"]["format"]["schema"]
        assert body["tool_choice"] == {"type": "tool", "name": body["tools"][0]["name"]}
        return body["tools"][0]["input_schema"]
    if request.provider == "gemini":
        config = body["generationConfig"]
        assert config["responseMimeType"] == "application/json"
        return config["responseJsonSchema"]
    return body["response_format"]["json_schema"]["schema"]


def assert_carries_the_node_schema(schema: dict[str, Any]) -> None:
    assert set(schema["required"]) == {"config", "confidence", "reasoning"}
    config = schema["properties"]["config"]
    assert {"method", "url", "headers", "body"} <= set(config["properties"])
    assert "url" in config["required"]
    assert "POST" in config["properties"]["method"]["enum"]


# --- Anthropic and Gemini ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "model"),
    [
        ("anthropic", None),  # the default model: a forced tool
        ("anthropic", "claude-sonnet-5"),  # Claude 5: output_config.format
        ("gemini", None),  # responseJsonSchema
    ],
)
def test_invalid_answer_is_retried_and_the_valid_one_returned(fake, alice_api, provider, model):
    fake.script(provider, answer(BAD, 0.8), answer(GOOD, 0.85, "POST to the orders API."))
    payload = {"node_type": "action.http", "prompt": "POST the order", "provider": provider}
    if model:
        payload["model"] = model
    response = alice_api.post(URL, payload)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["valid"] is True and data["errors"] == []
    assert data["config"] == GOOD and data["confidence"] == 0.85
    assert data["reasoning"] == "POST to the orders API."
    assert data["provider"] == provider
    assert data["model"] == (model or magic.models_catalog.DEFAULT_MODELS[provider])
    requests = fake.requests_for(provider)
    assert len(requests) == 2 and fake.requests_for("openai") == []
    for request in requests:
        assert_carries_the_node_schema(answer_schema(request))
        assert sent_key(request) == KEYS[provider]
        assert "action.http" in sent_text(request) and "JSON Schema" in sent_text(request)
    retry = sent_text(requests[1])
    assert "FETCH" in retry and "failed validation" in retry and "method" in retry
    assert "failed validation" not in sent_text(requests[0])


@pytest.mark.parametrize("provider", ["anthropic", "gemini"])
def test_still_invalid_after_every_retry_says_why(fake, alice_api, provider):
    fake.script(provider, *[answer({"method": "GET"}) for _ in range(1 + magic.MAX_RETRIES)])
    payload = {"node_type": "action.http", "prompt": "call it", "provider": provider}
    data = alice_api.post(URL, payload).json()
    assert data["valid"] is False and data["config"] == {"method": "GET"}
    assert {"field": "url", "message": "Field required"} in data["errors"]
    assert data["confidence"] <= 0.3
    assert len(fake.requests_for(provider)) == 1 + magic.MAX_RETRIES


def test_gemini_json_outside_the_answer_schema_is_fed_back(fake, alice_api):
    fake.script(
        "gemini",
        Reply(json={"config": GOOD, "confidence": 3}),  # no reasoning, confidence out of range
        answer(GOOD),
    )
    payload = {"node_type": "action.http", "prompt": "POST it", "provider": "gemini"}
    data = alice_api.post(URL, payload).json()
    assert data["valid"] is True
    retry = sent_text(fake.requests_for("gemini")[1])
    assert "reasoning" in retry and "failed validation" in retry


def test_nested_node_schemas_keep_their_definitions(fake, alice_api):
    config = {"rules": [{"left": "{{ trigger.body.total }}", "operator": "gt", "right": 100}]}
    for provider in ("anthropic", "gemini"):
        fake.script(provider, answer(config))
        payload = {"node_type": "logic.condition", "prompt": "total over 100", "provider": provider}
        assert alice_api.post(URL, payload).json()["valid"] is True
        schema = answer_schema(fake.requests_for(provider)[0])
        entry = {"anyOf": [{"$ref": "#/$defs/Rule"}, {"$ref": "#/$defs/RuleSet"}]}
        assert schema["properties"]["config"]["properties"]["rules"]["items"] == entry
        assert "operator" in schema["$defs"]["Rule"]["properties"]
        # A group is a rule set again: the definition refers to itself.
        assert schema["$defs"]["RuleSet"]["properties"]["rules"]["items"] == entry


@pytest.mark.parametrize("provider", ["anthropic", "gemini"])
def test_a_rejected_key_is_a_clear_error_without_the_key(fake, alice_api, provider):
    fake.valid_keys = {"some-other-key-0000000000"}  # the fake echoes the refused key
    payload = {"node_type": "action.http", "prompt": "x", "provider": provider}
    response = alice_api.post(URL, payload)
    assert response.status_code == 502, response.content
    data = response.json()
    assert data["code"] == "ai_provider_error"
    assert "API key was rejected" in data["message"] and SETTINGS[provider] in data["message"]
    assert KEYS[provider] not in response.content.decode()
    assert len(fake.requests_for(provider)) == 1  # not retried


def test_gemini_bad_key_answered_with_400_is_a_rejected_key_too(fake, alice_api):
    fake.script(
        "gemini",
        Reply(
            status=400,
            error=f"API key not valid. Please pass a valid API key. ({KEYS['gemini']})",
            gemini_details=[
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}
            ],
        ),
    )
    response = alice_api.post(
        URL, {"node_type": "action.http", "prompt": "x", "provider": "gemini"}
    )
    assert response.status_code == 502
    assert "API key was rejected" in response.json()["message"]
    assert KEYS["gemini"] not in response.content.decode()


@pytest.mark.parametrize("provider", ["anthropic", "gemini"])
def test_rate_limited_provider_answers_503_with_retry_after(fake, alice_api, provider):
    fake.script(provider, Reply(status=429, headers={"retry-after": "7"}))
    response = alice_api.post(
        URL, {"node_type": "action.http", "prompt": "x", "provider": provider}
    )
    assert response.status_code == 503 and response.json()["code"] == "ai_unavailable"
    assert response["Retry-After"] == "7"


def test_anthropic_key_in_an_answer_is_scrubbed(fake, alice_api):
    key = KEYS["anthropic"]
    fake.script("anthropic", answer({**GOOD, "headers": {"X-Key": key}}, 0.9, f"used {key}"))
    response = alice_api.post(
        URL, {"node_type": "action.http", "prompt": "x", "provider": "anthropic"}
    )
    assert response.status_code == 200 and key not in response.content.decode()


# --- a named credential --------------------------------------------------------------------------


@pytest.mark.parametrize("provider", ["openai", "anthropic", "gemini"])
def test_a_named_credential_wins_over_the_servers_key(fake, alice, alice_api, provider):
    credential = store.create(alice, "Team key", "ai_provider", CREDENTIAL_KEY)
    fake.script(provider, answer(GOOD))
    payload = {
        "node_type": "action.http",
        "prompt": "x",
        "provider": provider,
        "credential": credential.pk,
    }
    response = alice_api.post(URL, payload)
    assert response.status_code == 200 and response.json()["valid"], response.content
    assert sent_key(fake.requests_for(provider)[0]) == CREDENTIAL_KEY


def test_another_users_or_a_wrong_kind_of_credential_is_refused(fake, alice, bob, alice_api):
    bobs = store.create(bob, "Bob's key", "ai_provider", "sk-bobs-own-key-0123456789")
    response = alice_api.post(
        URL, {"node_type": "action.http", "prompt": "x", "credential": bobs.pk}
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert f"Credential {bobs.pk} does not exist or is not yours" in response.json()["message"]
    assert "Bob's key" not in response.content.decode()
    plain = store.create(alice, "CRM token", "api_key", "crm-token-0123456789")
    response = alice_api.post(
        URL, {"node_type": "action.http", "prompt": "x", "credential": plain.pk}
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_credential"
    assert "CRM token" in response.json()["message"] and "AI provider" in response.json()["message"]
    assert fake.requests == []


def test_a_credential_rejected_by_the_provider_says_so_without_the_key(fake, alice, alice_api):
    credential = store.create(alice, "Old key", "ai_provider", CREDENTIAL_KEY)
    fake.valid_keys = {KEYS["anthropic"]}
    payload = {
        "node_type": "action.http",
        "prompt": "x",
        "provider": "anthropic",
        "credential": credential.pk,
    }
    response = alice_api.post(URL, payload)
    assert response.status_code == 502
    assert "credential" in response.json()["message"]
    assert CREDENTIAL_KEY not in response.content.decode()


# --- openai_compatible ---------------------------------------------------------------------------


def compatible(fake: FakeAIServer, **extra: Any) -> dict[str, Any]:
    return {
        "node_type": "action.http",
        "prompt": "POST the order",
        "provider": "openai_compatible",
        "model": "llama3.1",
        "base_url": fake.url + "/compat/v1",
        **extra,
    }


def test_openai_compatible_server_at_the_requests_base_url(fake, settings, alice_api):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True  # the fake (like a local Ollama) is on 127.0.0.1
    fake.script("openai", answer(BAD), answer(GOOD))
    response = alice_api.post(URL, compatible(fake))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["valid"] is True and data["config"] == GOOD
    assert (data["provider"], data["model"]) == ("openai_compatible", "llama3.1")
    requests = fake.requests_for("openai")
    assert [r.path for r in requests] == ["/compat/v1/chat/completions"] * 2
    assert all(sent_key(r) == "no-key" for r in requests)  # never the server's OPENAI_API_KEY
    assert requests[0].body["model"] == "llama3.1"
    assert_carries_the_node_schema(answer_schema(requests[0]))


def test_openai_compatible_with_a_credential_key_never_leaks_it(
    fake, settings, alice, alice_api, caplog
):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    caplog.set_level(logging.DEBUG)
    credential = store.create(alice, "vLLM key", "ai_provider", CREDENTIAL_KEY)
    fake.script("openai", answer(GOOD, 0.9, f"I was called with {CREDENTIAL_KEY}"))
    response = alice_api.post(URL, compatible(fake, credential=credential.pk))
    assert response.status_code == 200, response.content
    assert sent_key(fake.requests_for("openai")[0]) == CREDENTIAL_KEY
    assert CREDENTIAL_KEY not in response.content.decode()
    assert CREDENTIAL_KEY not in sent_text(fake.requests_for("openai")[0])
    assert CREDENTIAL_KEY not in caplog.text
    response = alice_api.post(
        URL, compatible(fake, credential=credential.pk, prompt=f"my key is {CREDENTIAL_KEY}")
    )
    assert response.status_code == 400 and response.json()["code"] == "bad_request"
    assert CREDENTIAL_KEY not in response.content.decode()
    assert len(fake.requests_for("openai")) == 1  # the prompt holding the key was not sent


def test_openai_compatible_on_a_private_address_needs_the_servers_permission(
    fake, alice, alice_api
):
    credential = store.create(alice, "vLLM key", "ai_provider", CREDENTIAL_KEY)
    response = alice_api.post(URL, compatible(fake, credential=credential.pk))
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["code"] == "ai_not_configured"
    assert "loopback address" in data["message"]
    assert "WORKFUSE_HTTP_ALLOW_PRIVATE=1" in data["message"]
    assert fake.requests == []
    resolved = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.CREDENTIAL_RESOLVED)
    assert not resolved.exists()  # the key was not even read


def test_openai_compatible_falls_back_to_the_servers_openai_base_url(fake, settings, alice_api):
    settings.OPENAI_BASE_URL = fake.url + "/gateway/v1"
    fake.script("openai", answer(GOOD), answer(GOOD))
    payload = compatible(fake)
    del payload["base_url"]
    assert alice_api.post(URL, payload).json()["valid"] is True
    request = fake.requests_for("openai")[0]
    assert request.path == "/gateway/v1/chat/completions"
    assert sent_key(request) == KEYS["openai"]  # the key the server pairs with that address
    settings.OPENAI_API_KEY = ""
    assert alice_api.post(URL, payload).json()["valid"] is True
    assert sent_key(fake.requests_for("openai")[1]) == "no-key"


def test_openai_compatible_request_mistakes_are_400s(fake, settings, alice_api):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    settings.OPENAI_BASE_URL = ""
    payload = compatible(fake)
    del payload["base_url"]
    response = alice_api.post(URL, payload)
    assert response.status_code == 400 and response.json()["code"] == "ai_not_configured"
    assert "needs base_url" in response.json()["message"]
    response = alice_api.post(URL, compatible(fake, model=""))
    assert response.status_code == 400 and "needs model" in response.json()["message"]
    response = alice_api.post(URL, compatible(fake, base_url="ftp://models.example/v1"))
    assert response.status_code == 400 and response.json()["code"] == "bad_request"
    # base_url must not redirect the server's own OpenAI key somewhere else
    response = alice_api.post(URL, compatible(fake, provider="openai"))
    assert response.status_code == 400 and response.json()["code"] == "bad_request"
    assert "only for provider openai_compatible" in response.json()["message"]
    response = alice_api.post(URL, compatible(fake, provider="mistral"))
    assert response.status_code == 400 and "Unknown AI provider" in response.json()["message"]
    assert fake.requests == []
