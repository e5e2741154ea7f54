"""AI provider adapters through the real SDKs (openai, anthropic, google-genai) against a fake
provider server on 127.0.0.1 that speaks each wire format (tests/fake_ai_server.py)."""

from __future__ import annotations

import socket

import pytest

from aiconfig import models_catalog, prices
from aiconfig.providers import get_provider
from aiconfig.providers.base import ProviderError, Request, strict_compatible
from tests.fake_ai_server import FakeAIServer, Reply, fake_ai_server

KEY = "sk-test-provider-key-0123456789"
MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5", "gemini": "gemini-2.5-flash"}
PROVIDERS = list(MODELS)
SCHEMA = {
    "type": "object",
    "properties": {
        "sentiment": {"type": "string", "enum": ["good", "bad"]},
        "score": {"type": "integer"},
    },
    "required": ["sentiment", "score"],
    "additionalProperties": False,
}


@pytest.fixture
def server():
    with fake_ai_server() as s:
        yield s


def provider_for(server: FakeAIServer, name: str, key: str = KEY, timeout: float = 10, **kw):
    urls = {
        "openai": server.openai_url,
        "openai_compatible": server.url + "/compat/v1",
        "anthropic": server.anthropic_url,
        "gemini": server.gemini_url,
    }
    return get_provider(name, api_key=key, base_url=urls[name], timeout=timeout, **kw)


def ask(name: str, **kw) -> Request:
    return Request(model=kw.pop("model", MODELS.get(name, "llama3")), prompt="Hi there", **kw)


def sent_key(server: FakeAIServer) -> str:
    headers = server.requests[-1].headers
    return (
        headers.get("x-goog-api-key")
        or headers.get("x-api-key")
        or headers.get("authorization", "").removeprefix("Bearer ")
    )


# --- text, usage, request shape ----------------------------------------------------------------


@pytest.mark.parametrize("name", PROVIDERS)
def test_generate_returns_text_model_finish_reason_and_usage(server, name):
    server.script(name, Reply(text="Hello back", prompt_tokens=21, completion_tokens=4))
    completion = provider_for(server, name).generate(ask(name, system="Be brief."))
    assert completion.text == "Hello back"
    assert completion.model == MODELS[name]
    assert completion.finish_reason == "stop"
    assert completion.usage.as_dict() == {
        "prompt_tokens": 21,
        "completion_tokens": 4,
        "total_tokens": 25,
    }
    assert sent_key(server) == KEY
    assert len(server.requests) == 1


def test_openai_request_carries_system_temperature_and_max_completion_tokens(server):
    provider_for(server, "openai").generate(
        ask("openai", system="Be brief.", temperature=0.2, max_tokens=50)
    )
    body = server.requests[0].body
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi there"},
    ]
    assert body["temperature"] == 0.2
    assert body["max_completion_tokens"] == 50 and "max_tokens" not in body
    assert server.requests[0].path == "/v1/chat/completions"


def test_openai_compatible_server_gets_max_tokens_at_its_own_base_url(server):
    provider_for(server, "openai_compatible").generate(ask("openai_compatible", max_tokens=64))
    request = server.requests[0]
    assert request.path == "/compat/v1/chat/completions"
    assert request.body["max_tokens"] == 64 and "max_completion_tokens" not in request.body


def test_openai_reasoning_models_get_no_temperature(server):
    completion = provider_for(server, "openai").generate(
        ask("openai", model="gpt-5.4-mini", temperature=0.7)
    )
    assert "temperature" not in server.requests[0].body
    assert "reasoning model" in completion.warnings[0]


def test_anthropic_request_carries_system_temperature_and_a_default_max_tokens(server):
    provider_for(server, "anthropic").generate(
        ask("anthropic", system="Be brief.", temperature=0.4)
    )
    body = server.requests[0].body
    assert body["system"] == "Be brief."
    assert body["messages"] == [{"role": "user", "content": "Hi there"}]
    assert body["temperature"] == 0.4
    assert body["max_tokens"] == models_catalog.ANTHROPIC_DEFAULT_MAX_TOKENS
    assert server.requests[0].path == "/v1/messages"


def test_anthropic_caps_temperature_at_one_and_drops_it_for_new_models(server):
    provider = provider_for(server, "anthropic")
    capped = provider.generate(ask("anthropic", temperature=1.5))
    assert server.requests[0].body["temperature"] == 1.0
    assert "was sent as 1" in capped.warnings[0]
    dropped = provider.generate(ask("anthropic", model="claude-opus-4-7", temperature=0.5))
    assert "temperature" not in server.requests[1].body
    assert "takes no temperature" in dropped.warnings[0]


def test_gemini_request_carries_system_instruction_and_generation_config(server):
    provider_for(server, "gemini").generate(
        ask("gemini", system="Be brief.", temperature=0.3, max_tokens=80)
    )
    request = server.requests[0]
    assert request.path.endswith("/models/gemini-2.5-flash:generateContent")
    assert request.body["systemInstruction"]["parts"] == [{"text": "Be brief."}]
    assert request.body["contents"] == [{"parts": [{"text": "Hi there"}], "role": "user"}]
    assert request.body["generationConfig"] == {"temperature": 0.3, "maxOutputTokens": 80}


def test_a_model_that_refuses_temperature_is_asked_again_without_it(server):
    server.script(
        "openai",
        Reply(
            status=400,
            error="Unsupported parameter: 'temperature' is not supported with this model.",
        ),
        Reply(text="fine"),
    )
    completion = provider_for(server, "openai").generate(
        ask("openai", model="acme-1", temperature=0.5)
    )
    assert completion.text == "fine"
    assert [("temperature" in r.body) for r in server.requests] == [True, False]
    assert "does not accept a temperature" in completion.warnings[0]


# --- streaming -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PROVIDERS)
def test_stream_hands_over_each_chunk_in_order(server, name):
    chunks = ["The ", "quick ", "brown ", "fox"]
    server.script(
        name, Reply(text="".join(chunks), chunks=chunks, prompt_tokens=9, completion_tokens=4)
    )
    seen: list[str] = []
    completion = provider_for(server, name).stream(ask(name), seen.append)
    assert seen == chunks
    assert completion.text == "The quick brown fox"
    assert completion.finish_reason == "stop"
    assert completion.usage.as_dict() == {
        "prompt_tokens": 9,
        "completion_tokens": 4,
        "total_tokens": 13,
    }
    assert server.requests[0].stream


def test_streams_use_each_providers_streaming_call(server):
    for name in PROVIDERS:
        provider_for(server, name).stream(ask(name), lambda _: None)
    openai, anthropic, gemini = server.requests
    assert openai.body["stream"] is True and openai.body["stream_options"] == {
        "include_usage": True
    }
    assert anthropic.body["stream"] is True
    assert gemini.path.endswith(":streamGenerateContent") and gemini.query == {"alt": ["sse"]}


# --- JSON ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PROVIDERS)
def test_generate_json_with_a_schema_parses_and_validates(server, name):
    server.script(name, Reply(json={"sentiment": "good", "score": 9}))
    completion = provider_for(server, name).generate_json(ask(name), SCHEMA)
    assert completion.json == {"sentiment": "good", "score": 9}
    assert completion.usage.total_tokens == 17


def test_json_uses_each_providers_structured_output(server):
    for name in PROVIDERS:
        server.script(name, Reply(json={"sentiment": "bad", "score": 1}))
        provider_for(server, name).generate_json(ask(name), SCHEMA)
    openai, anthropic, gemini = (r.body for r in server.requests)
    assert openai["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "answer", "schema": SCHEMA, "strict": True},
    }
    assert "JSON" in openai["messages"][0]["content"]
    assert anthropic["tools"][0]["input_schema"] == SCHEMA
    assert anthropic["tool_choice"] == {"type": "tool", "name": "answer"}
    assert gemini["generationConfig"]["responseMimeType"] == "application/json"
    assert gemini["generationConfig"]["responseJsonSchema"] == SCHEMA


def test_json_without_a_schema(server):
    for name in PROVIDERS:
        server.script(name, Reply(json={"any": ["thing"]}))
        assert provider_for(server, name).generate_json(ask(name)).json == {"any": ["thing"]}
    openai, anthropic, gemini = (r.body for r in server.requests)
    assert openai["response_format"] == {"type": "json_object"}
    assert anthropic["tools"][0]["input_schema"] == {"type": "object"}
    assert gemini["generationConfig"] == {"responseMimeType": "application/json"}


def test_openai_schema_that_strict_mode_cannot_take_is_sent_non_strict(server):
    loose = {"type": "object", "properties": {"a": {"type": "string"}}}
    server.script("openai", Reply(json={"a": "x"}))
    provider_for(server, "openai").generate_json(ask("openai"), loose)
    assert server.requests[0].body["response_format"]["json_schema"]["strict"] is False


@pytest.mark.parametrize("name", PROVIDERS)
def test_json_that_breaks_the_schema_fails_without_retry(server, name):
    server.script(name, Reply(json={"sentiment": "meh", "score": "nine"}))
    with pytest.raises(ProviderError) as caught:
        provider_for(server, name).generate_json(ask(name), SCHEMA)
    error = caught.value
    assert not error.retryable
    assert "does not match the JSON Schema" in error.message
    assert "$.score" in error.message and "$.sentiment" in error.message


def test_text_that_is_not_json_fails_clearly(server):
    server.script("openai", Reply(text="Sure! Here you go", finish_reason="length"))
    with pytest.raises(ProviderError) as caught:
        provider_for(server, "openai").generate_json(ask("openai"))
    assert "asked for JSON but answered something else" in caught.value.message
    assert "raise max_tokens" in caught.value.message
    assert caught.value.detail["response"] == "Sure! Here you go"


def test_json_in_a_code_fence_is_accepted(server):
    server.script("openai", Reply(text='```json\n{"ok": true}\n```'))
    completion = provider_for(server, "openai_compatible").generate_json(ask("openai_compatible"))
    assert completion.json == {"ok": True}


def test_anthropic_wraps_a_schema_that_is_not_an_object(server):
    schema = {"type": "array", "items": {"type": "string"}}
    server.script("anthropic", Reply(json={"value": ["a", "b"]}))
    completion = provider_for(server, "anthropic").generate_json(ask("anthropic"), schema)
    assert completion.json == ["a", "b"]
    tool_schema = server.requests[0].body["tools"][0]["input_schema"]
    assert tool_schema == {"type": "object", "properties": {"value": schema}, "required": ["value"]}


def test_claude_5_gets_structured_outputs_instead_of_a_forced_tool(server):
    server.script("anthropic", Reply(json={"sentiment": "good", "score": 3}))
    completion = provider_for(server, "anthropic").generate_json(
        ask("anthropic", model="claude-sonnet-5", temperature=0.2), SCHEMA
    )
    body = server.requests[0].body
    assert completion.json == {"sentiment": "good", "score": 3}
    assert body["output_config"] == {"format": {"type": "json_schema", "schema": SCHEMA}}
    assert "tools" not in body and "tool_choice" not in body and "temperature" not in body


@pytest.mark.parametrize("name", PROVIDERS)
def test_streamed_json_is_emitted_then_parsed(server, name):
    pieces = ['{"sentiment": ', '"good", ', '"score": 7}']
    server.script(name, Reply(json={"sentiment": "good", "score": 7}, chunks=pieces))
    seen: list[str] = []
    completion = provider_for(server, name).generate_json(ask(name), SCHEMA, on_text=seen.append)
    assert seen == pieces
    assert completion.json == {"sentiment": "good", "score": 7}


# --- errors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reply", "wait"),
    [
        ("openai", Reply(status=429, headers={"retry-after-ms": "2500"}), 2.5),
        ("anthropic", Reply(status=429, headers={"retry-after": "30"}), 30),
        (
            "gemini",
            Reply(
                status=429,
                gemini_details=[
                    {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "17s"}
                ],
            ),
            17,
        ),
    ],
)
def test_rate_limits_are_retryable_with_the_providers_wait(server, name, reply, wait):
    server.script(name, reply)
    with pytest.raises(ProviderError) as caught:
        provider_for(server, name).generate(ask(name))
    error = caught.value
    assert error.retryable and error.status == 429
    assert error.retry_after == pytest.approx(wait)
    assert "rate limit" in error.message
    assert len(server.requests) == 1  # the SDK's own retries are off: the engine retries


@pytest.mark.parametrize(("name", "status"), [("openai", 500), ("anthropic", 529), ("gemini", 503)])
def test_overload_and_server_errors_are_retryable(server, name, status):
    server.script(name, Reply(status=status))
    with pytest.raises(ProviderError) as caught:
        provider_for(server, name).generate(ask(name))
    assert caught.value.retryable and caught.value.status == status
    assert f"HTTP {status}" in caught.value.message


@pytest.mark.parametrize("name", PROVIDERS)
def test_a_rejected_key_fails_at_once_with_advice_and_without_the_key(server, name):
    server.valid_keys = {"some-other-key"}
    with pytest.raises(ProviderError) as caught:
        provider_for(server, name, key_source="credential").generate(ask(name))
    error = caught.value
    assert not error.retryable and error.status == 401
    assert "the API key was rejected" in error.message
    assert "Check the credential" in error.message
    assert KEY not in error.message and KEY not in str(error.detail)
    assert len(server.requests) == 1


def test_gemini_answers_a_bad_key_with_400_which_counts_as_a_rejected_key(server):
    server.script(
        "gemini",
        Reply(
            status=400,
            error="API key not valid. Please pass a valid API key.",
            gemini_details=[
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}
            ],
        ),
    )
    with pytest.raises(ProviderError) as caught:
        provider_for(server, "gemini", key_source="env:GEMINI_API_KEY").generate(ask("gemini"))
    assert caught.value.status == 401 and not caught.value.retryable
    assert "GEMINI_API_KEY" in caught.value.message


@pytest.mark.parametrize("name", PROVIDERS)
def test_a_bad_request_passes_on_the_providers_message(server, name):
    server.script(name, Reply(status=400, error="messages: text content blocks must be non-empty"))
    with pytest.raises(ProviderError) as caught:
        provider_for(server, name).generate(ask(name))
    assert not caught.value.retryable
    assert "refused the request (HTTP 400)" in caught.value.message
    assert "text content blocks must be non-empty" in caught.value.message


def test_an_unknown_model_says_which(server):
    server.script("openai", Reply(status=404, error="The model `gpt-9` does not exist."))
    with pytest.raises(ProviderError) as caught:
        provider_for(server, "openai").generate(ask("openai", model="gpt-9"))
    assert "the model 'gpt-9' was not found" in caught.value.message
    assert not caught.value.retryable


def test_an_exhausted_quota_is_not_retried(server):
    server.script(
        "openai",
        Reply(
            status=429, error_type="insufficient_quota", error="You exceeded your current quota."
        ),
    )
    with pytest.raises(ProviderError) as caught:
        provider_for(server, "openai").generate(ask("openai"))
    assert not caught.value.retryable
    assert "no credit or quota left" in caught.value.message


@pytest.mark.parametrize("name", PROVIDERS)
def test_a_server_that_is_down_is_retryable(name):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}" + ("/v1" if name == "openai" else "")
    provider = get_provider(name, api_key=KEY, base_url=url, timeout=5)
    with pytest.raises(ProviderError) as caught:
        provider.generate(ask(name))
    assert caught.value.retryable
    assert "Could not reach" in caught.value.message


@pytest.mark.parametrize("name", PROVIDERS)
def test_a_slow_provider_times_out_retryably(server, name):
    server.script(name, Reply(delay=1.5))
    with pytest.raises(ProviderError) as caught:
        provider_for(server, name, timeout=0.5).generate(ask(name))
    assert caught.value.retryable
    assert "did not answer within 0.5 seconds" in caught.value.message


def test_a_provider_never_shows_its_key():
    provider = get_provider("openai", api_key=KEY)
    assert KEY not in repr(provider)


# --- prices and models ----------------------------------------------------------------------------------


def test_cost_is_estimated_from_the_price_table():
    usage = {"prompt_tokens": 1_000_000, "completion_tokens": 500_000}
    assert prices.estimate_cost("openai", "gpt-4o-mini", usage) == pytest.approx(0.15 + 0.30)
    assert prices.estimate_cost("anthropic", "claude-haiku-4-5-20251001", usage) == pytest.approx(
        3.5
    )
    assert prices.estimate_cost("openai", "gpt-4o-mini-2024-07-18", usage) == pytest.approx(0.45)
    assert prices.estimate_cost("gemini", "models/gemini-2.5-flash", usage) == pytest.approx(1.55)
    assert prices.estimate_cost("openai", "my-fine-tune", usage) is None
    assert prices.estimate_cost("openai_compatible", "gpt-4o-mini", usage) is None


def test_long_prompts_cost_more_on_pro_models():
    short = prices.estimate_cost(
        "gemini", "gemini-2.5-pro", {"prompt_tokens": 100_000, "completion_tokens": 0}
    )
    long = prices.estimate_cost(
        "gemini", "gemini-2.5-pro", {"prompt_tokens": 300_000, "completion_tokens": 0}
    )
    assert short == pytest.approx(0.125) and long == pytest.approx(0.75)


def test_every_listed_model_of_a_priced_provider_has_a_price():
    for provider in ("openai", "anthropic", "gemini"):
        assert models_catalog.models_for(provider)
        for model in models_catalog.models_for(provider):
            priced = prices.price_for(provider, model["id"]) is not None
            assert priced != ((provider, model["id"]) in prices.UNPRICED), model["id"]
    assert models_catalog.models_for("openai_compatible") == []
    assert models_catalog.catalog()["anthropic"]["default"] == "claude-sonnet-4-6"


@pytest.mark.parametrize(
    ("model", "reasoning"),
    [
        ("o3", True),
        ("o4-mini", True),
        ("gpt-5.4-mini", True),
        ("gpt-5", True),
        ("gpt-5-chat-latest", False),
        ("gpt-4o-mini", False),
        ("gpt-4.1", False),
        ("llama3", False),
    ],
)
def test_openai_reasoning_models_are_recognised(model, reasoning):
    assert models_catalog.openai_is_reasoning(model) is reasoning


@pytest.mark.parametrize(
    ("model", "no_sampling", "output_format"),
    [
        ("claude-haiku-4-5-20251001", False, False),
        ("claude-sonnet-4-6", False, False),
        ("claude-opus-4-7", True, False),
        ("claude-sonnet-5", True, True),
        ("claude-3-5-haiku-20241022", False, False),
    ],
)
def test_claude_model_rules(model, no_sampling, output_format):
    assert models_catalog.anthropic_rejects_sampling(model) is no_sampling
    assert models_catalog.anthropic_json_by_output_format(model) is output_format


def test_strict_structured_outputs_need_closed_objects():
    assert strict_compatible(SCHEMA)
    assert not strict_compatible({"type": "object", "properties": {"a": {}}, "required": ["a"]})
    nested = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"type": "object", "properties": {"x": {}}}}
        },
        "required": ["items"],
        "additionalProperties": False,
    }
    assert not strict_compatible(nested)


def test_the_fallback_validator_catches_the_common_mistakes():
    # Used when the `jsonschema` package is missing from an installation.
    from aiconfig.providers.base import _minimal_errors

    assert _minimal_errors({"sentiment": "good", "score": 3}, SCHEMA, "") == []
    assert _minimal_errors({"sentiment": "meh", "score": True}, SCHEMA, "") == [
        "$.sentiment: 'meh' is not one of ['good', 'bad']",
        "$.score: True is not of type integer",
    ]
    assert _minimal_errors([], SCHEMA, "") == ["$: [] is not of type object"]
    assert _minimal_errors({}, SCHEMA, "")[0] == "$: 'sentiment' is a required property"
