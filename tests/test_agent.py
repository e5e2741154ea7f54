"""action.agent in the engine, against the fake provider server (the real SDKs, each provider's
tool-call wire format): tools of every kind, checkpoints replayed instead of repeated, memory,
budgets, approvals, output_schema retries and the iteration limit."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse
from pydantic import ValidationError

from aiconfig.models import AgentMemory
from credentials import store
from editor.nodes.action_agent import Config
from executions import engine
from executions.engine import waiting
from executions.models import AgentEvent, Execution, Step
from tests.call_helpers import called, template
from tests.engine_helpers import chain, make_workflow, recorder
from tests.fake_ai_server import Reply, fake_ai_server
from tests.test_live_updates import connect, receive_until, session_headers
from tests.test_mcp_client import TOKEN, base_url  # noqa: F401 (base_url: a module fixture)

MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5", "gemini": "gemini-2.5-flash"}
PROVIDERS = list(MODELS)


@pytest.fixture
def ai(settings):
    with fake_ai_server() as server:
        settings.OPENAI_BASE_URL = server.openai_url
        settings.ANTHROPIC_BASE_URL = server.anthropic_url
        settings.GEMINI_BASE_URL = server.gemini_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        settings.ANTHROPIC_API_KEY = "sk-ant-env-0123456789abcdef"
        settings.GEMINI_API_KEY = "AIzaEnvGemini0123456789abcdef"
        settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True  # the HTTP tool calls a local recorder
        yield server


def agent(provider: str = "openai", **config) -> dict:
    return {
        "id": "agent",
        "type": "action.agent",
        "config": {
            "provider": provider,
            "model": MODELS[provider],
            "prompt": "Handle order 7 for Ann",
            "stream": False,
            **config,
        },
    }


@contextmanager
def html_site(page: str) -> Iterator[str]:
    """A web page on 127.0.0.1; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/page"
    finally:
        server.shutdown()


def events(execution: Execution) -> list[str]:
    return [
        e.label
        for e in AgentEvent.objects.filter(execution=execution)
        .exclude(kind="start")
        .order_by("seq")
    ]


def sent_text(request) -> str:
    return json.dumps(request.body)


# --- settings --------------------------------------------------------------------------------


def test_config_checks_tools_names_and_approvals():
    with pytest.raises(ValidationError, match="two tools are named 'a'"):
        Config.model_validate(
            {
                "prompt": "x",
                "tools": [
                    {"type": "code", "name": "a", "code": "return 1"},
                    {"type": "code", "name": "a", "code": "return 2"},
                ],
            }
        )
    with pytest.raises(ValidationError, match="not one of the agent's tools"):
        Config.model_validate({"prompt": "x", "approval": ["refund"]})
    with pytest.raises(ValidationError, match="not a tool name"):
        Config.model_validate(
            {"prompt": "x", "tools": [{"type": "code", "name": "bad name", "code": "return 1"}]}
        )
    with pytest.raises(ValidationError, match="type must be 'object'"):
        Config.model_validate(
            {
                "prompt": "x",
                "tools": [
                    {"type": "code", "name": "a", "code": "1", "input_schema": {"type": "array"}}
                ],
            }
        )
    config = Config.model_validate(
        {"prompt": "x", "tools": [{"type": "http", "name": "get", "url": "https://a.test/o/{id}"}]}
    )
    assert config.tools[0].parameters() == {
        "type": "object",
        "properties": {"id": {"type": "string"}},
        "required": ["id"],
    }


# --- three tools, each provider --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("provider", PROVIDERS)
def test_three_tool_agent_calls_each_tool_and_answers(ai, alice, provider):
    greeter = make_workflow(
        alice,
        called(
            [{"name": "name", "type": "string", "required": True}],
            template("greet", "hello {{ trigger.name }}"),
        ),
        name="Greeter",
    )
    with recorder() as api:
        api.script = [(200, {}, {"id": 7, "status": "shipped"})]
        tools = [
            {
                "type": "http",
                "name": "lookup_order",
                "description": "Find an order",
                "url": f"{api.url}/orders/{{order_id}}",
            },
            {
                "type": "code",
                "name": "multiply",
                "code": "return input.a * input.b",
                "input_schema": {
                    "type": "object",
                    "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
                    "required": ["a", "b"],
                },
            },
            {"type": "workflow", "name": "greet", "workflow": greeter.pk},
        ]
        ai.script(
            provider,
            Reply(tool_calls=[("lookup_order", {"order_id": "7"}), ("multiply", {"a": 6, "b": 7})]),
            Reply(tool_calls=[("greet", {"name": "Ann"})]),
            Reply(text="Order 7 shipped; 42; hello Ann"),
        )
        workflow = make_workflow(alice, chain(agent(provider, tools=tools)))
        execution = engine.start_execution(workflow)
    execution.refresh_from_db()
    step = Step.objects.get(execution=execution, key="agent")
    assert execution.status == "succeeded", step.error
    output = step.output
    assert output["response"] == "Order 7 shipped; 42; hello Ann"
    assert output["iterations"] == 3
    assert [(c["name"], c["arguments"]) for c in output["tool_calls"]] == [
        ("lookup_order", {"order_id": "7"}),
        ("multiply", {"a": 6, "b": 7}),
        ("greet", {"name": "Ann"}),
    ]
    results = [c["result"] for c in output["tool_calls"]]
    assert results[0] == {"status": 200, "body": {"id": 7, "status": "shipped"}}
    assert results[1] == 42
    assert results[2] == {"result": "hello Ann"}
    assert [r["path"] for r in api.requests] == ["/orders/7"]
    # The HTTP tool's request carries the tool call's own idempotency key.
    assert api.requests[0]["headers"]["Idempotency-Key"].endswith("agent[tool:2:lookup_order]")
    assert events(execution) == [
        "agent[turn:1]",
        "agent[tool:2:lookup_order]",
        "agent[tool:3:multiply]",
        "agent[turn:4]",
        "agent[tool:5:greet]",
        "agent[turn:6]",
    ]
    # Each later turn sends the tool results back in the provider's own format.
    requests = ai.requests_for(provider)
    assert len(requests) == 3
    assert "shipped" in sent_text(requests[1]) and "42" in sent_text(requests[1])
    assert "hello Ann" in sent_text(requests[2])
    # Tools are offered natively (not described in the prompt).
    assert "lookup_order" in sent_text(requests[0])
    usage = output["usage"]
    assert usage["total_tokens"] == 3 * (12 + 5)
    assert execution.ai_tokens == usage["total_tokens"]
    assert output["cost_usd"] is not None and output["cost_usd"] > 0
    # The called workflow's run is linked to the agent step.
    child = Execution.objects.get(parent=execution)
    assert child.parent_step_key == "agent" and child.status == "succeeded"


@pytest.mark.django_db(transaction=True)
def test_a_failed_turn_is_retried_without_repeating_finished_turns_or_tool_calls(ai, alice):
    with recorder() as api:
        tools = [{"type": "http", "name": "lookup", "url": f"{api.url}/orders/{{id}}"}]
        ai.script(
            "openai",
            Reply(tool_calls=[("lookup", {"id": "7"})]),
            Reply(status=500),
            Reply(text="Found it"),
        )
        execution = engine.start_execution(make_workflow(alice, chain(agent(tools=tools))))
        step = Step.objects.get(execution=execution, key="agent")
        assert step.status == "waiting" and "HTTP 500" in step.error
        engine.sweep(now=step.wake_at)
    step.refresh_from_db()
    assert step.status == "succeeded"
    assert step.output["response"] == "Found it"
    assert len(api.requests) == 1  # the tool call finished before the failure: not repeated
    assert len(ai.requests_for("openai")) == 3  # turn 1 once, turn 2 twice (500, then ok)
    assert events(execution) == ["agent[turn:1]", "agent[tool:2:lookup]", "agent[turn:3]"]


@pytest.mark.django_db(transaction=True)
def test_bad_arguments_and_unknown_tools_go_back_to_the_model(ai, alice):
    tools = [
        {
            "type": "code",
            "name": "double",
            "code": "return input.n * 2",
            "input_schema": {
                "type": "object",
                "properties": {"n": {"type": "number"}},
                "required": ["n"],
            },
        }
    ]
    ai.script(
        "openai",
        Reply(tool_calls=[("double", {"n": "six"}), ("triple", {"n": 1})]),
        Reply(tool_calls=[("double", {"n": 6})]),
        Reply(text="12"),
    )
    execution = engine.start_execution(make_workflow(alice, chain(agent(tools=tools))))
    step = Step.objects.get(execution=execution, key="agent")
    assert step.status == "succeeded", step.error
    calls = step.output["tool_calls"]
    assert "do not match the tool's schema" in calls[0]["error"]
    assert "no tool named 'triple'" in calls[1]["error"]
    assert calls[2]["result"] == 12
    assert "no tool named" in sent_text(ai.requests_for("openai")[1])


# --- memory ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_memory_carries_across_runs_and_is_bounded(ai, alice):
    memory = {"session_key": "{{ trigger.session }}", "max_messages": 4}
    node = agent(prompt="{{ trigger.text }}", memory=memory)
    workflow = make_workflow(alice, chain(node))
    ai.script("openai", Reply(text="Nice to meet you, Ann"), Reply(text="You are Ann"))
    engine.start_execution(workflow, {"session": "s1", "text": "My name is Ann"})
    second = engine.start_execution(workflow, {"session": "s1", "text": "Who am I?"})
    assert Step.objects.get(execution=second, key="agent").output["response"] == "You are Ann"
    last = sent_text(ai.requests_for("openai")[1])
    assert "My name is Ann" in last and "Nice to meet you, Ann" in last
    stored = AgentMemory.objects.get(owner=alice, session_key="s1").messages
    assert [m["content"] for m in stored] == [
        "My name is Ann",
        "Nice to meet you, Ann",
        "Who am I?",
        "You are Ann",
    ]
    ai.script("openai", Reply(text="Hello stranger"))
    engine.start_execution(workflow, {"session": "s2", "text": "Hi"})
    assert "Ann" not in sent_text(ai.requests_for("openai")[2])  # another session
    ai.script("openai", Reply(text="Still Ann"))
    engine.start_execution(workflow, {"session": "s1", "text": "Again?"})
    stored = AgentMemory.objects.get(owner=alice, session_key="s1").messages
    assert len(stored) == 4 and stored[0]["content"] == "Who am I?"  # the oldest forgotten


# --- budgets ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_workflow_budget_stops_the_run_before_the_call_that_would_exceed_it(ai, alice):
    tools = [{"type": "code", "name": "noop", "code": "return 'x'.repeat(4000)"}]
    ai.script("openai", Reply(tool_calls=[("noop", {})]), Reply(text="never"))
    workflow = make_workflow(alice, chain(agent(tools=tools)))
    workflow.ai_budget = {"max_tokens_per_run": 200}
    workflow.save()
    execution = engine.start_execution(workflow)
    execution.refresh_from_db()
    step = Step.objects.get(execution=execution, key="agent")
    assert execution.status == "failed"
    assert "Budget reached: the workflow's ai_budget max_tokens_per_run is 200 tokens" in step.error
    assert "this run has used 17" in step.error
    assert len(ai.requests_for("openai")) == 1
    assert step.attempt == 1  # not retried


@pytest.mark.django_db(transaction=True)
def test_node_cost_budget_names_the_agent_budget(ai, alice):
    tools = [{"type": "code", "name": "noop", "code": "return 1"}]
    ai.script(
        "openai",
        Reply(tool_calls=[("noop", {})], prompt_tokens=400_000, completion_tokens=10),
        Reply(text="never"),
    )
    node = agent(model="gpt-4o-mini", tools=tools, budget={"max_cost_usd": 0.05})
    execution = engine.start_execution(make_workflow(alice, chain(node)))
    step = Step.objects.get(execution=execution, key="agent")
    assert step.status == "failed"
    assert "Budget reached: the agent's budget max_cost_usd is $0.0500" in step.error
    assert "$0.06" in step.error  # 400k prompt tokens of gpt-4o-mini at $0.15/M


# --- approvals -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("approved", [True, False])
def test_approval_gated_tool_waits_then_runs_or_is_refused(ai, alice, client, approved):
    with recorder() as api:
        tools = [
            {
                "type": "http",
                "name": "refund",
                "method": "POST",
                "url": f"{api.url}/refunds",
                "body_schema": {
                    "type": "object",
                    "properties": {"amount": {"type": "number"}},
                    "required": ["amount"],
                },
            }
        ]
        ai.script(
            "openai",
            Reply(tool_calls=[("refund", {"amount": 30})]),
            Reply(text="Refunded" if approved else "Could not refund"),
        )
        workflow = make_workflow(alice, chain(agent(tools=tools, approval=["refund"])))
        execution = engine.start_execution(workflow)
        step = Step.objects.get(execution=execution, key="agent")
        assert step.status == "waiting" and step.output["waiting_for"] == "approval"
        assert step.lease_expires_at is None and step.wake_at is None  # holds no worker
        assert api.requests == []
        # The owner makes a link on the run's page; the form shows the tool and its arguments.
        client.force_login(alice)
        page = client.post(
            reverse("executions:detail", args=[execution.pk]),
            {"action": "resume_link", "key": "agent"},
        )
        url = page.context["new_link"]["url"]
        token_path = "/" + url.split("/", 3)[3]
        form = client.get(token_path)
        assert form.status_code == 200
        assert "Let the agent call refund?" in form.content.decode()
        assert "&quot;amount&quot;: 30" in form.content.decode()
        answer = client.post(token_path, {"approved": approved}, content_type="application/json")
        assert answer.status_code == 200, answer.content
    step.refresh_from_db()
    execution.refresh_from_db()
    assert execution.status == "succeeded", step.error
    call = step.output["tool_calls"][0]
    if approved:
        assert [r["path"] for r in api.requests] == ["/refunds"]
        assert json.loads(api.requests[0]["body"]) == {"amount": 30}
        assert call["result"]["status"] == 200
    else:
        assert api.requests == []
        assert "rejected this call" in call["error"]
        assert "rejected this call" in sent_text(ai.requests_for("openai")[1])
    # A used link cannot approve again.
    assert (
        client.post(token_path, {"approved": True}, content_type="application/json").status_code
        == 409
    )


# --- answers ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_output_schema_gets_a_bounded_retry(ai, alice):
    schema = {
        "type": "object",
        "properties": {"label": {"type": "string"}},
        "required": ["label"],
    }
    ai.script("openai", Reply(text="It is a bug"), Reply(text='{"label": "bug"}'))
    node = agent(output_schema=schema)
    step = Step.objects.get(
        execution=engine.start_execution(make_workflow(alice, chain(node))), key="agent"
    )
    assert step.status == "succeeded", step.error
    assert step.output["json"] == {"label": "bug"}
    assert "Your answer was refused" in sent_text(ai.requests_for("openai")[1])

    ai.script("openai", Reply(text="no"), Reply(text="no"), Reply(text="still no"))
    step = Step.objects.get(
        execution=engine.start_execution(make_workflow(alice, chain(node))), key="agent"
    )
    assert step.status == "failed"
    assert "does not match output_schema after 3 tries" in step.error


@pytest.mark.django_db(transaction=True)
def test_max_iterations_stops_an_agent_that_never_answers(ai, alice):
    tools = [{"type": "code", "name": "again", "code": "return 1"}]
    ai.script("openai", *[Reply(tool_calls=[("again", {})]) for _ in range(3)])
    node = agent(tools=tools, max_iterations=2)
    step = Step.objects.get(
        execution=engine.start_execution(make_workflow(alice, chain(node))), key="agent"
    )
    assert step.status == "failed"
    assert "used all its 2 iterations (max_iterations)" in step.error
    assert len(ai.requests_for("openai")) == 2


@pytest.mark.django_db(transaction=True)
def test_run_page_and_api_show_each_turn_and_tool_call_with_spend(ai, alice, client):
    tools = [{"type": "code", "name": "double", "code": "return 2"}]
    ai.script("openai", Reply(tool_calls=[("double", {})]), Reply(text="2"))
    workflow = make_workflow(alice, chain(agent(tools=tools)))
    execution = engine.start_execution(workflow)
    client.force_login(alice)
    page = client.get(reverse("executions:detail", args=[execution.pk])).content.decode()
    for label in ("agent[turn:1]", "agent[tool:2:double]", "agent[turn:3]"):
        assert f'data-agent-event="{label}"' in page
    assert 'id="ai-spend"' in page and "34 tokens" in page
    runs = client.get(reverse("executions:workflow_history", args=[workflow.pk])).content.decode()
    assert 'id="workflow-ai-spend"' in runs and "34 tok" in runs
    detail = client.get(f"/api/executions/{execution.pk}").json()
    assert detail["ai_tokens"] == 34
    assert [e["label"] for e in detail["agent_events"]] == [
        "agent[turn:1]",
        "agent[tool:2:double]",
        "agent[turn:3]",
    ]


@pytest.mark.django_db
def test_settings_api_stores_and_checks_the_ai_budget(alice, client):
    workflow = make_workflow(alice, chain(template("t", "x")))
    client.force_login(alice)
    url = f"/api/workflows/{workflow.pk}/settings"
    answer = client.patch(
        url, {"ai_budget": {"max_cost_usd_per_run": 0.5}}, content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["ai_budget"] == {"max_cost_usd_per_run": 0.5, "max_tokens_per_run": None}
    workflow.refresh_from_db()
    assert workflow.ai_budget == {"max_cost_usd_per_run": 0.5}
    bad = client.patch(
        url, {"ai_budget": {"max_cost_usd_per_run": -1}}, content_type="application/json"
    )
    assert bad.status_code == 400 and "max_cost_usd_per_run" in bad.content.decode()
    unknown = client.patch(url, {"ai_budget": {"dollars": 1}}, content_type="application/json")
    assert unknown.status_code == 400
    cleared = client.patch(url, {"ai_budget": None}, content_type="application/json")
    assert cleared.json()["ai_budget"] == {"max_cost_usd_per_run": None, "max_tokens_per_run": None}


def test_approval_keys_name_their_step():
    key = "agent[2]#approval:5"
    assert waiting.step_key_of(key) == "agent[2]"
    assert waiting.step_key_of("wait") == "wait"


@pytest.mark.django_db(transaction=True)
def test_mcp_tools_are_listed_filtered_and_called_with_the_credential(ai, alice, base_url):  # noqa: F811
    credential = store.create(alice, "MCP token", "bearer", TOKEN)
    tools = [
        {
            "type": "mcp",
            "name": "calc",
            "url": f"{base_url}/mcp",
            "credential": credential.pk,
            "allow": ["add"],
        }
    ]
    ai.script("openai", Reply(tool_calls=[("add", {"a": 2, "b": 3})]), Reply(text="5"))
    execution = engine.start_execution(make_workflow(alice, chain(agent(tools=tools))))
    step = Step.objects.get(execution=execution, key="agent")
    assert step.status == "succeeded", step.error
    assert step.output["tool_calls"][0]["result"] == {"sum": 5, "authorized": True}
    offered = sent_text(ai.requests_for("openai")[0])
    assert '"add"' in offered and "explode" not in offered  # only the allowed tool
    stored = json.dumps(
        [e.data for e in AgentEvent.objects.filter(execution=execution)] + [step.output]
    )
    assert TOKEN not in stored


@pytest.mark.django_db(transaction=True)
def test_an_unknown_allowed_mcp_tool_fails_the_step_naming_it(ai, alice, base_url):  # noqa: F811
    tools = [{"type": "mcp", "name": "calc", "url": f"{base_url}/mcp", "allow": ["divide"]}]
    execution = engine.start_execution(make_workflow(alice, chain(agent(tools=tools))))
    step = Step.objects.get(execution=execution, key="agent")
    assert step.status == "failed"
    assert "has no tool divide" in step.error and "add" in step.error
    assert ai.requests_for("openai") == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_final_answer_streams_to_the_browser(ai, alice, provider):
    chunks = ["The ", "order ", "shipped"]
    tools = [{"type": "code", "name": "status", "code": "return 'shipped'"}]
    ai.script(
        provider,
        Reply(tool_calls=[("status", {})]),
        Reply(text="".join(chunks), chunks=chunks),
    )
    workflow = make_workflow(alice, chain(agent(provider, tools=tools, stream=True)))
    headers = session_headers(alice)

    async def scenario() -> list[dict]:
        ws = connect(f"/ws/workflows/{workflow.pk}/", headers)
        connected, _ = await ws.connect()
        assert connected
        await ws.receive_json_from()  # the snapshot
        await database_sync_to_async(engine.start_execution)(workflow)
        messages = await receive_until(
            ws, lambda m: m["type"] == "execution" and m["status"] in ("succeeded", "failed")
        )
        await ws.disconnect()
        return messages

    with ThreadPoolExecutor(1) as pool:
        messages = pool.submit(asyncio.run, scenario()).result(timeout=30)
    tokens = [m["text"] for m in messages if m["type"] == "token"]
    assert "".join(tokens) == "The order shipped"
    assert len(tokens) == 3


@pytest.mark.django_db(transaction=True)
def test_the_research_template_creates_its_tool_workflow_and_runs(ai, alice, client):
    from editor.models import Workflow

    client.force_login(alice)
    made = client.post(reverse("editor:gallery"), {"template": "research-agent"})
    assert made.status_code == 302
    research = Workflow.objects.get(owner=alice, name="Research agent that calls a sub-workflow")
    tool = Workflow.objects.get(owner=alice, name="Fetch a web page (agent tool)")
    agent_config = next(n for n in research.graph["nodes"] if n["id"] == "agent")["config"]
    assert agent_config["tools"][0]["workflow"] == tool.pk
    with html_site("<html><body><main>Durable runs survive.</main></body></html>") as url:
        answer = {"summary": "Durable runs survive crashes.", "sources": [url]}
        ai.script(
            "openai",
            Reply(tool_calls=[("fetch_page", {"url": url})]),
            Reply(text=json.dumps(answer)),
        )
        execution = engine.start_execution(research, {"topic": "durability", "urls": []})
    step = Step.objects.get(execution=execution, key="agent")
    assert step.status == "succeeded", step.error
    assert step.output["json"] == answer
    assert "Durable runs survive." in json.dumps(step.output["tool_calls"][0]["result"])


@pytest.mark.django_db(transaction=True)
def test_a_tools_credential_never_reaches_events_output_or_the_model(ai, alice):
    secret = "tool-secret-7f3a9c1e5b"
    credential = store.create(alice, "Shop API", "bearer", secret)
    with recorder() as api:
        # A careless API echoes the token it was sent.
        api.script = [(200, {}, {"echo": f"Bearer {secret}", "order": 7})]
        tools = [
            {
                "type": "http",
                "name": "lookup",
                "url": f"{api.url}/orders/{{id}}",
                "credential": credential.pk,
            }
        ]
        ai.script("openai", Reply(tool_calls=[("lookup", {"id": "7"})]), Reply(text="ok"))
        execution = engine.start_execution(make_workflow(alice, chain(agent(tools=tools))))
        assert api.requests[0]["headers"]["Authorization"] == f"Bearer {secret}"
    step = Step.objects.get(execution=execution, key="agent")
    assert step.status == "succeeded", step.error
    stored = json.dumps(
        [e.data for e in AgentEvent.objects.filter(execution=execution)] + [step.output, step.input]
    )
    assert secret not in stored and '"order": 7' in stored
    assert all(secret not in sent_text(r) for r in ai.requests_for("openai"))


@pytest.mark.django_db
def test_saving_refuses_tools_with_others_credentials_or_uncallable_workflows(alice, bob):
    from editor.validation import validate_graph

    others = store.create(bob, "Bob's key", "bearer", "bob-secret-123456")
    mine = store.create(alice, "AI key", "ai_provider", "sk-alice-123456")
    plain = make_workflow(alice, chain(template("t", "x")), name="Not callable")
    tools = [
        {"type": "http", "name": "a", "url": "https://a.test", "credential": others.pk},
        {"type": "mcp", "name": "m", "url": "https://m.test/mcp", "credential": mine.pk},
        {"type": "workflow", "name": "w", "workflow": plain.pk},
    ]
    issues = validate_graph(chain(agent(tools=tools)), owner=alice)
    fields = {i.field: i.message for i in issues}
    assert "is not one of your credentials" in fields["config.tools[0].credential"]
    assert "kind bearer, api_key, header" in fields["config.tools[1].credential"]
    assert "start with 'When called by a workflow'" in fields["config.tools[2].workflow"]
