"""The action.ai node: through the real SDKs against the fake provider server, alone (run() with
a RunContext) and inside the engine (templates, retries after a 429, a rejected key, live
tokens over the WebSocket)."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone
from pydantic import ValidationError

from aiconfig import prices
from credentials import store
from editor.nodes.action_ai import NODE, Config
from editor.nodes.base import NodeError, RunContext, Secret
from executions import engine
from executions.models import Step
from tests.engine_helpers import chain, make_workflow
from tests.fake_ai_server import Reply, fake_ai_server
from tests.test_live_updates import connect, receive_until, session_headers

MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5", "gemini": "gemini-2.5-flash"}
PROVIDERS = list(MODELS)
ENV_KEYS = {
    "openai": "sk-env-openai-0123456789abcdef",
    "anthropic": "sk-ant-env-0123456789abcdef",
    "gemini": "AIzaEnvGemini0123456789abcdef",
}
CREDENTIAL_KEY = "sk-from-credential-9876543210fedcba"
SCHEMA = {
    "type": "object",
    "properties": {"label": {"type": "string"}, "urgent": {"type": "boolean"}},
    "required": ["label", "urgent"],
    "additionalProperties": False,
}


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.ANTHROPIC_BASE_URL = server.anthropic_url
        settings.GEMINI_BASE_URL = server.gemini_url
        settings.OPENAI_API_KEY = ENV_KEYS["openai"]
        settings.ANTHROPIC_API_KEY = ENV_KEYS["anthropic"]
        settings.GEMINI_API_KEY = ENV_KEYS["gemini"]
        settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
        yield server


def context(secret: Secret | None = None) -> tuple[RunContext, list[dict]]:
    emitted: list[dict] = []
    ctx = RunContext(
        execution_id="exec-1", node_id="ask", step_key="ask", secret=secret, emit=emitted.append
    )
    return ctx, emitted


def run_node(ctx: RunContext, **config):
    return NODE.run(Config.model_validate({"prompt": "Classify this ticket", **config}), ctx)


def sent_key(request) -> str:
    headers = request.headers
    return (
        headers.get("x-goog-api-key")
        or headers.get("x-api-key")
        or headers.get("authorization", "").removeprefix("Bearer ")
    )


# --- the node on its own ---------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_text_answer_with_usage_latency_and_cost(ai, provider):
    ai.script(provider, Reply(text="A billing question.", prompt_tokens=40, completion_tokens=6))
    ctx, emitted = context()
    output = run_node(ctx, provider=provider, model=MODELS[provider], system_prompt="Be terse.")
    usage = {"prompt_tokens": 40, "completion_tokens": 6, "total_tokens": 46}
    assert output == {
        "response": "A billing question.",
        "model": MODELS[provider],
        "provider": provider,
        "finish_reason": "stop",
        "usage": usage,
        "latency_ms": output["latency_ms"],
        "cost_usd": prices.estimate_cost(provider, MODELS[provider], usage),
    }
    assert isinstance(output["latency_ms"], int) and output["latency_ms"] >= 0
    assert output["cost_usd"] > 0
    assert emitted == []  # not streaming: no token messages


@pytest.mark.parametrize("provider", PROVIDERS)
def test_json_answer_is_parsed_and_validated(ai, provider):
    ai.script(provider, Reply(json={"label": "billing", "urgent": True}))
    ctx, _ = context()
    output = run_node(
        ctx, provider=provider, model=MODELS[provider], json_output=True, json_schema=SCHEMA
    )
    assert output["json"] == {"label": "billing", "urgent": True}
    assert output["usage"]["total_tokens"] == 17


@pytest.mark.parametrize("provider", PROVIDERS)
def test_json_that_misses_the_schema_fails_the_step(ai, provider):
    ai.script(provider, Reply(json={"label": "billing"}))
    ctx, _ = context()
    with pytest.raises(NodeError) as caught:
        run_node(
            ctx, provider=provider, model=MODELS[provider], json_output=True, json_schema=SCHEMA
        )
    assert not caught.value.retryable
    assert "'urgent' is a required property" in caught.value.message


@pytest.mark.parametrize("provider", PROVIDERS)
def test_streaming_publishes_every_token_in_order(ai, provider):
    chunks = ["Refund ", "request ", "for ", "order ", "42"]
    ai.script(provider, Reply(text="".join(chunks), chunks=chunks))
    ctx, emitted = context()
    output = run_node(ctx, provider=provider, model=MODELS[provider], stream=True)
    assert emitted == [{"text": chunk} for chunk in chunks]
    assert output["response"] == "Refund request for order 42"
    assert output["usage"]["total_tokens"] == 17


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_nodes_credential_wins_over_the_servers_key(ai, provider):
    ctx, _ = context(Secret("ai_provider", CREDENTIAL_KEY))
    run_node(ctx, provider=provider, model=MODELS[provider])
    ctx, _ = context()
    run_node(ctx, provider=provider, model=MODELS[provider])
    assert [sent_key(r) for r in ai.requests] == [CREDENTIAL_KEY, ENV_KEYS[provider]]


@pytest.mark.parametrize(
    ("provider", "setting"),
    [
        ("openai", "OPENAI_API_KEY"),
        ("anthropic", "ANTHROPIC_API_KEY"),
        ("gemini", "GEMINI_API_KEY"),
    ],
)
def test_no_key_anywhere_says_what_to_configure(ai, settings, provider, setting):
    setattr(settings, setting, "")
    ctx, _ = context()
    with pytest.raises(NodeError) as caught:
        run_node(ctx, provider=provider, model=MODELS[provider])
    assert not caught.value.retryable
    assert setting in caught.value.message and "credential" in caught.value.message
    assert ai.requests == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_rate_limit_is_a_retryable_node_error(ai, provider):
    ai.script(provider, Reply(status=429, headers={"retry-after": "12"}))
    ctx, _ = context()
    with pytest.raises(NodeError) as caught:
        run_node(ctx, provider=provider, model=MODELS[provider])
    assert caught.value.retryable and caught.value.retry_after == 12


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_rejected_key_fails_clearly_and_is_never_repeated(ai, provider):
    ai.valid_keys = {"the-right-key"}
    for secret, key in (
        (Secret("ai_provider", CREDENTIAL_KEY), CREDENTIAL_KEY),
        (None, ENV_KEYS[provider]),
    ):
        ctx, _ = context(secret)
        with pytest.raises(NodeError) as caught:
            run_node(ctx, provider=provider, model=MODELS[provider])
        error = caught.value
        assert not error.retryable
        assert (
            "the API key was rejected" in error.message and "Check the credential" in error.message
        )
        assert key not in error.message and key not in str(error.detail)
        # the fake echoes the key it refused, as real providers (partly) do
        assert key[-12:] not in error.message


def test_a_key_never_comes_back_in_the_output(ai):
    ai.script("openai", Reply(text=f"The key you use is {CREDENTIAL_KEY}."))
    ctx, _ = context(Secret("ai_provider", CREDENTIAL_KEY))
    output = run_node(ctx, provider="openai")
    assert CREDENTIAL_KEY not in str(output)
    assert "[REDACTED]" in output["response"]


def test_a_prompt_holding_the_key_is_not_sent(ai):
    ctx, _ = context()
    with pytest.raises(NodeError) as caught:
        run_node(ctx, provider="openai", prompt=f"Remember {ENV_KEYS['openai']}")
    assert "contains the provider's API key" in caught.value.message
    assert ENV_KEYS["openai"] not in caught.value.message
    assert ai.requests == []


def test_reasoning_models_report_the_temperature_they_did_not_send(ai):
    ctx, _ = context()
    output = run_node(ctx, provider="openai", model="gpt-5.4-mini", temperature=0.2)
    assert "temperature" not in ai.requests[0].body
    assert output["warnings"] == [
        "gpt-5.4-mini is a reasoning model and takes no temperature; it was sent without one."
    ]


def test_openai_compatible_server_gets_the_nodes_url_and_never_the_servers_key(ai, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    config = {
        "provider": "openai_compatible",
        "model": "llama3.2",
        "base_url": ai.url + "/compat/v1",
    }
    ctx, _ = context()
    output = run_node(ctx, **config)
    request = ai.requests[0]
    assert request.path == "/compat/v1/chat/completions"
    assert sent_key(request) == "no-key"  # not settings.OPENAI_API_KEY
    assert output["provider"] == "openai_compatible" and output["cost_usd"] is None
    ctx, _ = context(Secret("ai_provider", CREDENTIAL_KEY))
    run_node(ctx, **config)
    assert sent_key(ai.requests[1]) == CREDENTIAL_KEY


def test_openai_compatible_server_on_a_private_address_needs_permission(ai):
    ctx, _ = context()
    with pytest.raises(NodeError) as caught:
        run_node(ctx, provider="openai_compatible", model="llama3.2", base_url=ai.url + "/v1")
    assert "loopback address" in caught.value.message
    assert "WORKFUSE_HTTP_ALLOW_PRIVATE=1" in caught.value.message
    assert ai.requests == []


def test_config_rules():
    with pytest.raises(ValidationError, match="needs base_url"):
        Config(provider="openai_compatible", prompt="x")
    with pytest.raises(ValidationError, match="only for provider openai_compatible"):
        Config(provider="openai", prompt="x", base_url="http://example.com/v1")
    with pytest.raises(ValidationError, match="not a valid JSON Schema"):
        Config(prompt="x", json_output=True, json_schema={"type": "nonsense"})
    assert Config(prompt="x", json_output=True, json_schema=SCHEMA).json_schema == SCHEMA
    assert "json_schema" in NODE.raw_fields  # schemas are not templates


# --- vector ---
def test_schema_descriptions_are_set_on_the_schema_sent_and_must_name_its_properties(ai):
    ai.script("openai", Reply(json={"label": "billing", "urgent": True}))
    ctx, _ = context()
    described = {"label": "One of: billing, shipping"}
    output = run_node(
        ctx, provider="openai", json_output=True, json_schema=SCHEMA, schema_descriptions=described
    )
    assert output["json"] == {"label": "billing", "urgent": True}
    [request] = ai.requests_for("openai")
    sent = request.body["response_format"]["json_schema"]["schema"]
    assert sent["properties"]["label"] == {"type": "string", "description": described["label"]}
    assert sent["properties"]["urgent"] == {"type": "boolean"}
    assert "description" not in SCHEMA["properties"]["label"]  # the config is left as it is
    with pytest.raises(ValidationError, match="schema_descriptions: team is not a property"):
        Config(prompt="x", json_schema=SCHEMA, schema_descriptions={"team": "Which team"})
    with pytest.raises(ValidationError, match="schema_descriptions: label is not a property"):
        Config(prompt="x", schema_descriptions={"label": "One of"})


def test_a_schema_description_holding_the_key_is_not_sent(ai):
    ctx, _ = context()
    with pytest.raises(NodeError) as caught:
        run_node(
            ctx,
            provider="openai",
            json_schema=SCHEMA,
            schema_descriptions={"label": f"Remember {ENV_KEYS['openai']}"},
        )
    assert "descriptions contain the provider's API key" in caught.value.message
    assert ai.requests == []


# --- end vector ---


# --- inside the engine -----------------------------------------------------------------------------


def ai_node(**config) -> dict:
    return {
        "id": "ask",
        "type": "action.ai",
        "config": {"provider": "openai", "model": "gpt-4o-mini", **config},
        "retry": {"max_attempts": 3, "initial_delay_ms": 1000, "multiplier": 2},
    }


@pytest.mark.django_db(transaction=True)
def test_workflow_step_fills_the_prompt_from_earlier_data_and_records_the_answer(ai, alice):
    ai.script(
        "anthropic", Reply(text="Customer wants a refund.", prompt_tokens=30, completion_tokens=5)
    )
    graph = chain(
        ai_node(
            provider="anthropic",
            model="claude-haiku-4-5",
            prompt="Summarise: {{ trigger.text }}",
        )
    )
    execution = engine.start_execution(
        make_workflow(alice, graph), {"text": "I want my money back"}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded"
    step = Step.objects.get(execution=execution, key="ask")
    assert step.output["response"] == "Customer wants a refund."
    assert step.output["usage"] == {"prompt_tokens": 30, "completion_tokens": 5, "total_tokens": 35}
    assert step.output["cost_usd"] == pytest.approx((30 * 1 + 5 * 5) / 1e6)
    assert step.input["prompt"] == "Summarise: I want my money back"
    assert ai.requests[0].body["messages"] == [
        {"role": "user", "content": "Summarise: I want my money back"}
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("provider", PROVIDERS)
def test_workflow_step_is_retried_after_a_429_and_then_succeeds(ai, alice, provider):
    ai.script(
        provider, Reply(status=429, headers={"retry-after": "5"}), Reply(text="Second time lucky")
    )
    graph = chain(ai_node(provider=provider, model=MODELS[provider], prompt="Hi"))
    execution = engine.start_execution(make_workflow(alice, graph))
    step = Step.objects.get(execution=execution, key="ask")
    assert step.status == "waiting"
    assert "rate limit" in step.error
    assert (step.wake_at - timezone.now()).total_seconds() > 4.5  # the provider's Retry-After
    engine.sweep(now=step.wake_at)
    step.refresh_from_db()
    execution.refresh_from_db()
    assert execution.status == "succeeded"
    assert step.output["response"] == "Second time lucky"
    assert [a["status"] for a in step.attempts] == ["failed", "succeeded"]
    assert step.attempts[0]["retryable"] is True
    assert len(ai.requests_for(provider)) == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("provider", PROVIDERS)
def test_workflow_step_fails_at_once_on_a_rejected_credential_without_leaking_it(
    ai, alice, provider, caplog
):
    ai.valid_keys = {"the-right-key"}
    credential = store.create(alice, f"{provider} key", "ai_provider", CREDENTIAL_KEY)
    graph = chain(
        ai_node(provider=provider, model=MODELS[provider], prompt="Hi", credential=credential.pk)
    )
    with caplog.at_level(logging.DEBUG):
        execution = engine.start_execution(make_workflow(alice, graph))
    execution.refresh_from_db()
    step = Step.objects.get(execution=execution, key="ask")
    assert execution.status == "failed" and step.status == "failed"
    assert step.attempt == 1 and len(ai.requests) == 1
    assert "the API key was rejected (HTTP 401)" in step.error
    assert "credential on this node" in step.error
    assert sent_key(ai.requests[0]) == CREDENTIAL_KEY
    stored = f"{step.error}{step.attempts}{step.input}{step.output}{execution.error}"
    assert CREDENTIAL_KEY not in stored
    assert CREDENTIAL_KEY not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_streamed_tokens_reach_the_browser_as_token_messages(ai, alice):
    chunks = ["Tokens ", "arrive ", "one ", "by ", "one"]
    ai.script("gemini", Reply(text="".join(chunks), chunks=chunks))
    workflow = make_workflow(
        alice, chain(ai_node(provider="gemini", model="gemini-2.5-flash", prompt="Hi", stream=True))
    )
    headers = session_headers(alice)

    async def scenario() -> list[dict]:
        ws = connect(f"/ws/workflows/{workflow.pk}/", headers)
        connected, _ = await ws.connect()
        assert connected
        await ws.receive_json_from()  # the snapshot
        await database_sync_to_async(engine.start_execution)(workflow)
        messages = await receive_until(
            ws, lambda m: m["type"] == "execution" and m["status"] == "succeeded"
        )
        await ws.disconnect()
        return messages

    # In a thread of its own: a session-wide Playwright loop may be running on this one.
    with ThreadPoolExecutor(1) as pool:
        messages = pool.submit(asyncio.run, scenario()).result(timeout=30)
    tokens = [m for m in messages if m["type"] == "token"]
    assert [m["text"] for m in tokens] == chunks
    assert {m["node_id"] for m in tokens} == {"ask"}
    done = next(
        i
        for i, m in enumerate(messages)
        if m["type"] == "step" and m["key"] == "ask" and m["status"] == "succeeded"
    )
    assert messages.index(tokens[-1]) < done
