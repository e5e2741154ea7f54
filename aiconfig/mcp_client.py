"""A synchronous MCP client for the agent's `mcp` tools (DESIGN §12): list a server's tools and
call one, over streamable HTTP with the official SDK.

The agent runs in a sync worker thread, so each call runs the SDK's async client with
`anyio.run` in the calling thread (which must have no event loop running) and opens a fresh
session: nothing is kept between calls, as a step may resume on another worker. Every connection
goes through the private-network guard (`netguard.httpx_async_client`), and the SDK follows
only redirects that stay on the server's origin, each hop checked by the guard again.

Failures become `McpError` naming the server's URL (without its query or user info; never the
headers, which carry the credential). Retryable, as DESIGN §6 says: a server that cannot be
reached, a timeout, HTTP 429 (with its `Retry-After`) and 5xx. Not retryable: a refused private
target, other 4xx (a wrong credential), protocol errors. A tool that fails answers a result
with `is_error` set, not an exception: the model reads it and may try otherwise.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import anyio
import httpx
from mcp import ClientSession, types
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import McpError as ProtocolError

from workfuse.lib import netguard, retry_after
from workfuse.lib.node_run import NodeError

T = TypeVar("T")
MAX_TOOLS = 500  # a server listing more (page after page) is cut here


@dataclass(frozen=True)
class McpTool:
    name: str
    description: str
    input_schema: dict[str, Any]


@dataclass(frozen=True)
class McpResult:
    """A tool's answer: its text contents joined (other contents described in one line each),
    its structured content, and whether the tool reported an error."""

    text: str
    structured: Any | None
    is_error: bool


class McpError(NodeError):
    """The MCP server could not be used; `url` is the server's (without query or user info)."""

    def __init__(
        self, url: str, message: str, *, retryable: bool = False, retry_after: float | None = None
    ):
        super().__init__(
            f"MCP server {url}: {message}", retryable=retryable, retry_after=retry_after
        )
        self.url = url


def list_tools(url: str, headers: dict[str, str], *, timeout: float = 30) -> list[McpTool]:
    """The server's tools (every page of them, up to MAX_TOOLS)."""

    async def work(session: ClientSession) -> list[McpTool]:
        found: list[McpTool] = []
        params: types.PaginatedRequestParams | None = None
        while len(found) < MAX_TOOLS:
            page = await session.list_tools(params=params)
            found += [
                McpTool(tool.name, tool.description or "", dict(tool.inputSchema))
                for tool in page.tools
            ]
            if not page.nextCursor:
                break
            params = types.PaginatedRequestParams(cursor=page.nextCursor)
        return found[:MAX_TOOLS]

    return _run(url, headers, timeout, work)


def call_tool(
    url: str,
    headers: dict[str, str],
    name: str,
    arguments: dict[str, Any],
    *,
    timeout: float = 120,
) -> McpResult:
    """Call the tool `name` with `arguments` and return its result."""

    async def work(session: ClientSession) -> McpResult:
        result = await session.call_tool(name, arguments)
        return McpResult(text_of(result.content), result.structuredContent, result.isError)

    return _run(url, headers, timeout, work)


def text_of(content: list[types.ContentBlock]) -> str:
    """Text contents as they are, anything else described in one line, joined by newlines."""
    return "\n".join(_line(block) for block in content)


def _line(block: types.ContentBlock) -> str:
    if isinstance(block, types.TextContent):
        return block.text
    if isinstance(block, types.ImageContent | types.AudioContent):
        kind = "image" if isinstance(block, types.ImageContent) else "audio"
        return f"[{kind} {block.mimeType}, {len(block.data) * 3 // 4} bytes]"
    if isinstance(block, types.ResourceLink):
        return f"[resource link {block.uri}: {block.name}]"
    if isinstance(block, types.EmbeddedResource):
        mime = block.resource.mimeType or "unknown type"
        return f"[embedded resource {block.resource.uri} ({mime})]"
    return f"[{getattr(block, 'type', 'unknown')} content]"


# --- running the SDK's client ------------------------------------------------------------------


def _run(
    url: str,
    headers: dict[str, str],
    timeout: float,
    work: Callable[[ClientSession], Awaitable[T]],
) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError("mcp_client is synchronous: call it from a thread with no event loop")
    try:
        return anyio.run(_session, url, headers, timeout, work)
    except Exception as exc:
        raise _error(_shown(url), timeout, exc) from exc


async def _session(
    url: str,
    headers: dict[str, str],
    timeout: float,
    work: Callable[[ClientSession], Awaitable[T]],
) -> T:
    with anyio.fail_after(timeout):  # the whole exchange, connection to answer
        async with (
            netguard.httpx_async_client(headers, httpx.Timeout(timeout)) as http,
            streamable_http_client(url, http_client=http) as (read, write, _),
            ClientSession(read, write, read_timeout_seconds=timedelta(seconds=timeout)) as session,
        ):
            await session.initialize()
            return await work(session)


def _shown(url: str) -> str:
    """The URL as errors name it: without user info, query or fragment (they may hold keys)."""
    try:
        return str(httpx.URL(url).copy_with(userinfo=b"", query=None, fragment=None))
    except (httpx.InvalidURL, TypeError, ValueError):
        return "(invalid URL)"


def _leaves(exc: BaseException) -> Iterator[BaseException]:
    """The errors inside (nested) exception groups: the SDK's task groups wrap them."""
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            yield from _leaves(inner)
    else:
        yield exc


def _error(url: str, timeout: float, exc: Exception) -> McpError:
    leaves = list(_leaves(exc))
    for leaf in leaves:
        refused = netguard.refusal(leaf)
        if refused is not None:
            return McpError(url, str(refused))
    for leaf in leaves:
        if isinstance(leaf, httpx.HTTPStatusError):
            return _status_error(url, leaf.response)
    for leaf in leaves:
        if isinstance(leaf, TimeoutError | httpx.TimeoutException) or (
            isinstance(leaf, ProtocolError) and leaf.error.code == httpx.codes.REQUEST_TIMEOUT
        ):
            return McpError(url, f"no answer within {timeout:g} s", retryable=True)
        if isinstance(leaf, httpx.TransportError):
            reason = str(leaf) or type(leaf).__name__
            return McpError(url, f"could not be reached ({reason})", retryable=True)
        if isinstance(leaf, ProtocolError):
            return McpError(url, f"refused the request: {leaf.error.message}")
        if isinstance(leaf, httpx.InvalidURL | httpx.UnsupportedProtocol):
            return McpError(url, f"the URL cannot be used: {leaf}")
    first = leaves[0] if leaves else exc
    return McpError(url, f"the exchange failed: {type(first).__name__}: {first}")


def _status_error(url: str, response: httpx.Response) -> McpError:
    status = response.status_code
    if status in (401, 403):
        return McpError(url, f"refused the credential (HTTP {status}); check the one the tool uses")
    if status == 429:
        wait = retry_after.from_headers(response.headers)
        return McpError(url, "is rate limiting (HTTP 429)", retryable=True, retry_after=wait)
    if status >= 500:
        return McpError(url, f"failed (HTTP {status})", retryable=True)
    if status == 404:
        return McpError(url, "has no MCP endpoint at this URL (HTTP 404)")
    if 300 <= status < 400:
        return McpError(url, f"redirected elsewhere (HTTP {status}), which is not followed")
    return McpError(url, f"refused the request (HTTP {status})")
