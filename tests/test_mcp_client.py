"""aiconfig.mcp_client against a real MCP server: the SDK's FastMCP (stateful sessions, SSE
answers) served by uvicorn on 127.0.0.1 in a thread, behind a small ASGI app that answers some
paths with HTTP errors as a failing or busy server would."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from mcp import types
from mcp.server.fastmcp import Context, FastMCP

from aiconfig import mcp_client
from aiconfig.mcp_client import McpError, McpResult, McpTool
from tests.embedded import free_port

TOKEN = "secret-token-0123456789"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


def make_server() -> FastMCP:
    server = FastMCP("test tools")

    @server.tool(description="Adds two numbers.")
    def add(a: int, b: int, ctx: Context) -> dict[str, Any]:
        request = ctx.request_context.request
        sent = request.headers.get("authorization") if request is not None else None
        return {"sum": a + b, "authorized": sent == f"Bearer {TOKEN}"}

    @server.tool(description="Always fails.")
    def explode(reason: str) -> str:
        raise ValueError(f"exploded: {reason}")

    return server


# Paths answered before MCP, as servers in trouble answer.
TROUBLE = {
    "/busy": (429, [(b"retry-after", b"7")]),
    "/broken": (503, []),
    "/locked": (401, [(b"www-authenticate", b"Bearer")]),
}


def with_trouble(app: Any) -> Any:
    async def asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] in TROUBLE:
            status, headers = TROUBLE[scope["path"]]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": b"{}"})
            return
        await app(scope, receive, send)

    return asgi


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    port = free_port()
    app = with_trouble(make_server().streamable_http_app())
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the FastMCP server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def allow_private(settings: Any) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True


def test_lists_the_servers_tools(base_url: str, allow_private: None) -> None:
    tools = {tool.name: tool for tool in mcp_client.list_tools(base_url + "/mcp", HEADERS)}
    assert set(tools) == {"add", "explode"}
    add = tools["add"]
    assert isinstance(add, McpTool)
    assert add.description == "Adds two numbers."
    assert add.input_schema["properties"].keys() == {"a", "b"}
    assert add.input_schema["required"] == ["a", "b"]


def test_a_call_answers_text_and_structured_content_with_the_headers_sent(
    base_url: str, allow_private: None
) -> None:
    result = mcp_client.call_tool(base_url + "/mcp", HEADERS, "add", {"a": 2, "b": 3})
    assert isinstance(result, McpResult)
    assert not result.is_error
    assert result.structured == {"sum": 5, "authorized": True}
    assert '"sum": 5' in result.text


def test_a_tool_that_fails_answers_an_error_result(base_url: str, allow_private: None) -> None:
    result = mcp_client.call_tool(base_url + "/mcp", HEADERS, "explode", {"reason": "on purpose"})
    assert result.is_error
    assert "exploded: on purpose" in result.text


def test_a_private_target_is_refused_unless_allowed(base_url: str, settings: Any) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    with pytest.raises(McpError) as caught:
        mcp_client.list_tools(base_url + "/mcp?key=in-the-query", HEADERS)
    error = caught.value
    assert not error.retryable
    assert "Refused to connect to 127.0.0.1 (loopback address)" in error.message
    assert f"MCP server {base_url}/mcp" in error.message
    assert TOKEN not in error.message
    assert "in-the-query" not in error.message


def test_a_server_that_is_down_is_a_retryable_error_naming_it(allow_private: None) -> None:
    url = f"http://127.0.0.1:{free_port()}/mcp"
    started = time.monotonic()
    with pytest.raises(McpError) as caught:
        mcp_client.call_tool(url, HEADERS, "add", {"a": 1, "b": 1}, timeout=10)
    assert time.monotonic() - started < 5
    assert caught.value.retryable
    assert caught.value.message.startswith(f"MCP server {url}: could not be reached")
    assert TOKEN not in caught.value.message


@pytest.mark.parametrize(
    ("path", "retryable", "retry_after", "says"),
    [
        ("/busy", True, 7.0, "rate limiting (HTTP 429)"),
        ("/broken", True, None, "failed (HTTP 503)"),
        ("/locked", False, None, "refused the credential (HTTP 401)"),
    ],
)
def test_http_errors_are_retryable_only_when_trying_again_can_help(
    base_url: str,
    allow_private: None,
    path: str,
    retryable: bool,
    retry_after: float | None,
    says: str,
) -> None:
    with pytest.raises(McpError) as caught:
        mcp_client.list_tools(base_url + path, HEADERS)
    assert caught.value.retryable is retryable
    assert caught.value.retry_after == retry_after
    assert says in caught.value.message
    assert caught.value.url == base_url + path
    assert TOKEN not in caught.value.message


def test_a_server_that_does_not_answer_in_time_is_a_retryable_timeout(allow_private: None) -> None:
    # A listener that accepts connections and never answers.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/mcp"
        started = time.monotonic()
        with pytest.raises(McpError) as caught:
            mcp_client.list_tools(url, HEADERS, timeout=1)
        assert time.monotonic() - started < 4
    assert caught.value.retryable
    assert "no answer within 1 s" in caught.value.message


def test_text_joins_text_contents_and_describes_others_in_one_line() -> None:
    content: list[types.ContentBlock] = [
        types.TextContent(type="text", text="first"),
        types.ImageContent(type="image", data="aGVsbG8h", mimeType="image/png"),
        types.ResourceLink(type="resource_link", uri="https://example.com/r", name="report"),
        types.TextContent(type="text", text="last"),
    ]
    assert mcp_client.text_of(content) == (
        "first\n[image image/png, 6 bytes]\n[resource link https://example.com/r: report]\nlast"
    )
