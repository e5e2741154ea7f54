"""The MCP server at /mcp/ (mcpserver/), driven by the official SDK's client.

The live tests run `manage.py serve` (embedded mode: SQLite, steps in the server's own worker
threads) in a subprocess on 127.0.0.1, as `make run` does, so the session manager's lazy start
and the wait for a run's end are exercised where users meet them. One integration test does the
same in queue mode (uvicorn, a celery worker, PostgreSQL, Redis).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from mcp import ClientSession, types
from mcp.client.streamable_http import streamable_http_client

from accounts.models import ApiToken
from editor.models import Workflow
from executions.models import Execution
from mcpserver import tools
from tests.embedded import embedded_env, free_port, manage, serving
from tests.integration.conftest import QueueMode, queue_mode  # noqa: F401  (the fixture)

CALL_TIMEOUT = 3  # WORKFUSE_MCP_CALL_TIMEOUT_SECONDS of the server under test
RATE = 100  # WORKFUSE_MCP_RATE per minute of the server under test

# Workflows made the app's own way (Workflow.create), printed as JSON for the tests.
SETUP = """
import json
from django.contrib.auth import get_user_model
from accounts.models import ApiToken
from editor.models import Workflow

def user(name):
    person = get_user_model().objects.create_user(name, name + "@example.com", "x")
    return person, ApiToken.issue(person, "mcp")[1]

def called(owner, name, inputs, *nodes, active=True, manual=False, description=""):
    entry = {"id": "called", "type": "trigger.workflow", "config": {"inputs": inputs}}
    first = [{"id": "by_hand", "type": "trigger.manual"}] if manual else []
    ids = ["called", *(n["id"] for n in nodes)]
    graph = {"nodes": [*first, entry, *nodes],
             "edges": [{"source": a, "target": b} for a, b in zip(ids, ids[1:])]}
    workflow = Workflow.create(owner, name, description, graph=graph)
    workflow.is_active = active
    workflow.save()
    return workflow.pk

greeting = {"id": "greet", "type": "utility.set", "config": {"keep": "none", "fields": [
    {"name": "greeting", "value": "Hello {{ trigger.name }}", "type": "string"},
    {"name": "times", "value": "{{ trigger.times }}", "type": "auto"}]}}
alice, alice_token = user("alice")
bob, bob_token = user("bob")
dave, dave_token = user("dave")
manual = Workflow.create(alice, "Manual only", graph={"nodes": [
    {"id": "start", "type": "trigger.manual"}], "edges": []})
manual.is_active = True
manual.save()
print(json.dumps({
    "alice": alice_token, "bob": bob_token, "dave": dave_token,
    # Its first trigger is a manual one: a call must start at trigger.workflow all the same.
    "greet": called(alice, "Greet a person", [
        {"name": "name", "type": "string", "required": True},
        {"name": "times", "type": "number"}], greeting, manual=True,
        description="Says hello to someone."),
    "fails": called(alice, "Always fails", [], {"id": "stop", "type": "logic.stop",
        "config": {"message": "Out of stock"}}),
    "slow": called(alice, "Slow", [], {"id": "nap", "type": "utility.delay",
        "config": {"seconds": 30}}),
    "inactive": called(alice, "Inactive greeter", [], greeting, active=False),
    "manual": manual.pk,
    "bobs": called(bob, "Bob's secret", [], greeting),
}))
"""


class Served:
    """`manage.py serve` on a free port, with the ids and tokens SETUP made."""

    def __init__(self, url: str, made: dict[str, Any], data_dir: Path):
        self.url, self.made, self.data_dir = url, made, data_dir

    def tool(self, key: str, name: str) -> str:
        return tools.tool_name(name, self.made[key])

    def shell(self, code: str) -> str:
        return manage(self.env, "shell", "-c", code)

    @property
    def env(self) -> dict[str, str]:
        return _env(self.data_dir, self.url)


def _env(data_dir: Path, site_url: str) -> dict[str, str]:
    return embedded_env(
        data_dir,
        SITE_URL=site_url,
        WORKFUSE_MCP_CALL_TIMEOUT_SECONDS=str(CALL_TIMEOUT),
        WORKFUSE_MCP_RATE=f"{RATE}/m",
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory: Any) -> Iterator[Served]:
    data_dir = tmp_path_factory.mktemp("mcp-serve")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = _env(data_dir, url)
    manage(env, "migrate", "--noinput", "-v0")
    made = json.loads(manage(env, "shell", "-c", SETUP))
    log = data_dir / "serve.log"
    with serving(env, log, port=port):
        yield Served(url, made, data_dir)
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]


# --- the SDK's client -----------------------------------------------------------------------


async def _with_session(url: str, token: str, work: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        httpx.AsyncClient(headers=headers, timeout=30) as http,
        streamable_http_client(url, http_client=http) as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        return await work(session)


def list_tools(url: str, token: str) -> list[types.Tool]:
    async def work(session: ClientSession) -> list[types.Tool]:
        return (await session.list_tools()).tools

    return anyio.run(_with_session, url + "/mcp/", token, work)


def call(url: str, token: str, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
    async def work(session: ClientSession) -> types.CallToolResult:
        return await session.call_tool(name, arguments)

    return anyio.run(_with_session, url + "/mcp/", token, work)


def text_of(result: types.CallToolResult) -> str:
    return "\n".join(c.text for c in result.content if isinstance(c, types.TextContent))


# --- listing ----------------------------------------------------------------------------------


def test_lists_the_owners_active_workflows_that_can_be_called(served: Served) -> None:
    listed = {tool.name: tool for tool in list_tools(served.url, served.made["alice"])}
    greet = served.tool("greet", "Greet a person")
    assert set(listed) == {
        greet,
        served.tool("fails", "Always fails"),
        served.tool("slow", "Slow"),
    }
    assert greet == f"greet_a_person_{served.made['greet']}"
    assert listed[greet].description == "Says hello to someone."
    assert listed[greet].title == "Greet a person"
    assert listed[greet].inputSchema == {
        "type": "object",
        "properties": {"name": {"type": "string"}, "times": {"type": "number"}},
        "required": ["name"],
    }
    # No description: the name describes it.
    assert listed[served.tool("fails", "Always fails")].description == "Always fails"


def test_another_users_workflows_are_neither_listed_nor_callable(served: Served) -> None:
    bobs = served.tool("bobs", "Bob's secret")
    assert [tool.name for tool in list_tools(served.url, served.made["bob"])] == [bobs]
    result = call(served.url, served.made["alice"], bobs, {})
    assert result.isError
    assert f"There is no tool '{bobs}'" in text_of(result)
    inactive = served.tool("inactive", "Inactive greeter")
    assert call(served.url, served.made["alice"], inactive, {}).isError


# --- calling ----------------------------------------------------------------------------------


def test_a_call_runs_the_workflow_and_answers_its_last_nodes_output(served: Served) -> None:
    name = served.tool("greet", "Greet a person")
    result = call(served.url, served.made["alice"], name, {"name": "Ada", "times": "2"})
    assert not result.isError, text_of(result)
    assert result.structuredContent == {"greeting": "Hello Ada", "times": 2}
    assert json.loads(text_of(result)) == {"greeting": "Hello Ada", "times": 2}
    # A real execution of kind "mcp", started at the trigger.workflow node.
    runs = served.shell(
        "from executions.models import Execution as E; import json; print(json.dumps(["
        f"[e.trigger_kind, e.trigger_node, e.status] for e in E.objects.filter(workflow={served.made['greet']})]))"
    )
    assert json.loads(runs) == [["mcp", "called", "succeeded"]]


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({}, "input 'name' is required"),
        ({"name": "Ada", "times": "many"}, "input 'times' (number)"),
        ({"name": "Ada", "colour": "red"}, "'colour' is not an input of this workflow"),
        ({"name": ["Ada"]}, "input 'name' must be text"),
    ],
)
def test_arguments_that_do_not_fit_are_an_error_naming_the_input(
    served: Served, arguments: dict[str, Any], named: str
) -> None:
    result = call(
        served.url, served.made["alice"], served.tool("greet", "Greet a person"), arguments
    )
    assert result.isError
    assert named in text_of(result)
    assert text_of(result).startswith("The arguments do not fit the tool:")


def test_a_failing_workflow_is_an_error_with_its_error_and_execution_page(served: Served) -> None:
    result = call(served.url, served.made["alice"], served.tool("fails", "Always fails"), {})
    assert result.isError
    text = text_of(result)
    assert "Out of stock" in text
    assert re.search(rf"{re.escape(served.url)}/executions/[0-9a-f-]{{36}}/", text), text


def test_a_run_longer_than_the_call_timeout_goes_on_and_says_where(served: Served) -> None:
    started = time.monotonic()
    result = call(served.url, served.made["alice"], served.tool("slow", "Slow"), {})
    waited = time.monotonic() - started
    assert result.isError
    text = text_of(result)
    assert f"still running after {CALL_TIMEOUT} s" in text
    assert "the run goes on" in text
    assert f"{served.url}/executions/" in text
    assert CALL_TIMEOUT <= waited < CALL_TIMEOUT + 5
    status = served.shell(
        "from executions.models import Execution as E; "
        f"print(E.objects.get(workflow={served.made['slow']}).status)"
    )
    assert status == "running"


# --- refusals before MCP -----------------------------------------------------------------------


INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    },
}
ACCEPT = {"Accept": "application/json, text/event-stream"}


@pytest.mark.parametrize("authorization", [None, "Bearer wf_not-a-token", "Basic YWxpY2U6eA=="])
def test_a_request_without_a_valid_token_is_refused_401(
    served: Served, authorization: str | None
) -> None:
    headers = {**ACCEPT, **({"Authorization": authorization} if authorization else {})}
    response = httpx.post(served.url + "/mcp/", json=INITIALIZE, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["code"] == "unauthorized"
    assert "Bearer" in body["message"]
    assert body["details"] == {}


def test_a_host_not_allowed_is_refused_400(served: Served) -> None:
    headers = {**ACCEPT, "Authorization": f"Bearer {served.made['alice']}", "Host": "evil.example"}
    response = httpx.post(served.url + "/mcp/", json=INITIALIZE, headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_the_sdk_client_with_a_wrong_token_gets_401(served: Served) -> None:
    with pytest.raises(BaseExceptionGroup) as caught:
        list_tools(served.url, "wf_wrong")
    matched = caught.value.subgroup(lambda exc: isinstance(exc, httpx.HTTPStatusError))
    assert matched is not None
    error = matched.exceptions[0]
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    assert isinstance(error, httpx.HTTPStatusError)
    assert error.response.status_code == 401


def test_too_many_requests_are_refused_429_with_retry_after(served: Served) -> None:
    headers = {**ACCEPT, "Authorization": f"Bearer {served.made['dave']}"}
    with httpx.Client(headers=headers) as client:
        statuses = [client.post(served.url + "/mcp/", json=INITIALIZE) for _ in range(RATE + 1)]
    assert [r.status_code for r in statuses[:RATE]] == [200] * RATE
    refused = statuses[RATE]
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # Others are not slowed by dave's calls.
    assert list_tools(served.url, served.made["bob"])


# --- pure parts, and the settings page ---------------------------------------------------------


def test_tool_names_are_valid_unique_and_at_most_64_characters() -> None:
    assert tools.tool_name("Send the weekly report!", 7) == "send_the_weekly_report_7"
    assert tools.tool_name("日本語", 12) == "workflow_12"
    long = tools.tool_name("a very long name " * 10, 123456)
    assert len(long) <= 64
    assert long.endswith("_123456")
    for name in (long, tools.tool_name("--x--", 3), tools.tool_name("Déjà vu", 9)):
        assert re.fullmatch(r"[a-z0-9_]{1,64}", name), name


def test_the_settings_page_tells_the_mcp_url(alice_client: Any, settings: Any) -> None:
    settings.SITE_URL = "https://flows.example.com"
    page = alice_client.get("/settings/").content.decode()
    assert "https://flows.example.com/mcp/" in page
    assert '"Authorization": "Bearer' in page


# --- queue mode -------------------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.xdist_group("integration")
def test_a_call_in_queue_mode_runs_on_a_worker(queue_mode: QueueMode, alice: Any) -> None:  # noqa: F811
    graph = {
        "nodes": [
            {"id": "called", "type": "trigger.workflow", "config": {"inputs": []}},
            {"id": "double", "type": "utility.transform", "config": {"expression": "{n: n}"}},
        ],
        "edges": [{"source": "called", "target": "double"}],
    }
    workflow = Workflow.create(alice, "Echo", graph=graph)
    workflow.is_active = True
    workflow.save()
    _, token = ApiToken.issue(alice, "mcp")
    queue_mode.worker(concurrency=1)
    queue_mode.web()
    result = call(queue_mode.url, token, tools.tool_name("Echo", workflow.pk), {"n": 5})
    assert not result.isError, text_of(result)
    assert result.structuredContent == {"result": {"n": 5}}
    assert Execution.objects.get(workflow=workflow).trigger_kind == Execution.Trigger.MCP
