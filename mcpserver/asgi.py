"""`/mcp/`: the MCP endpoint `workfuse/asgi.py` routes past Django (streamable HTTP).

Before the SDK sees a request: the Host header must be one of ALLOWED_HOSTS (400), the
`Authorization: Bearer <token>` an API token of an active user (401 with `WWW-Authenticate`),
and the token's owner within WORKFUSE_MCP_RATE (429 with `Retry-After`); the errors have the
API's shape `{code, message, details}`.

The SDK's `StreamableHTTPSessionManager` runs **stateless, with JSON responses**. Stateless:
every request stands alone, so in queue mode any web process can answer any request (a
stateful session lives in the memory of the process that opened it, and a load balancer
would have to pin clients to it), a restart loses nothing, and nothing is kept per client.
Tools need none of what sessions bring (server-initiated requests, resumable streams).
JSON: a tool call has one answer, sent when the run ends; no event stream to keep open
through proxies.

The session manager needs its task group running (`manager.run()`, meant for an ASGI
lifespan). Neither `manage.py serve` nor the Procfile's uvicorn runs a lifespan (and Channels'
router has none), so it starts on the first request, in a task of its own on that event loop
that lives as long as the loop: asyncio.run cancels it when the server stops.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest
from django_ratelimit.core import get_usage
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

from accounts.models import ApiToken, hash_token
from executions import step_sql
from mcpserver import server
from mcpserver.server import in_thread

log = logging.getLogger(__name__)
PATHS = ("/mcp", "/mcp/")


@dataclass
class _Running:
    manager: StreamableHTTPSessionManager
    ready: asyncio.Future[None]
    task: asyncio.Task[None]  # held: the loop keeps only weak references to its tasks


class McpEndpoint:
    """The ASGI app for `/mcp/` (one per process; a session manager per event loop)."""

    def __init__(self) -> None:
        self._running: dict[asyncio.AbstractEventLoop, _Running] = {}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        request = ASGIRequest(scope, io.BytesIO())
        try:
            request.get_host()
        except DisallowedHost:
            message = "The Host header names no host of this server."
            await _answer(send, 400, "bad_request", message)
            return
        user = await in_thread(_authenticate, request.headers.get("Authorization", ""))
        if user is None:
            message = "Authentication required: send 'Authorization: Bearer <API token>'."
            challenge = ("www-authenticate", 'Bearer realm="WorkFuse MCP"')
            await _answer(send, 401, "unauthorized", message, challenge)
            return
        wait = await in_thread(_over_rate, request, user.pk)
        if wait is not None:
            message = "Too many MCP requests for this account; slow down."
            await _answer(send, 429, "rate_limited", message, ("retry-after", str(wait)))
            return
        manager = await self._manager()
        state = {**scope.get("state", {}), server.USER: user}
        await manager.handle_request({**scope, "state": state}, receive, send)

    async def _manager(self) -> StreamableHTTPSessionManager:
        """This event loop's session manager, started on first use."""
        loop = asyncio.get_running_loop()
        running = self._running.get(loop)
        if running is None:
            for closed in [other for other in self._running if other.is_closed()]:
                del self._running[closed]
            manager = StreamableHTTPSessionManager(
                server.build(),
                json_response=True,
                stateless=True,
                # A call's arguments become the run's trigger data: a webhook body's limit.
                max_request_body_size=settings.WORKFUSE_WEBHOOK_MAX_BYTES,
            )
            ready: asyncio.Future[None] = loop.create_future()
            task = loop.create_task(_run(manager, ready))
            running = self._running[loop] = _Running(manager, ready, task)
        await asyncio.shield(running.ready)
        return running.manager


async def _run(manager: StreamableHTTPSessionManager, ready: asyncio.Future[None]) -> None:
    """Hold the manager's task group open until the loop cancels this task."""
    try:
        async with manager.run():
            ready.set_result(None)
            await asyncio.get_running_loop().create_future()
    except Exception as exc:
        if not ready.done():
            ready.set_exception(exc)
        raise


def _authenticate(header: str) -> Any:
    """The active user owning the bearer token in `header`, else None."""
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    token = ApiToken.accepted(step_sql.api_token(hash_token(raw.strip())))
    return token.user if token is not None else None


def _over_rate(request: HttpRequest, user_id: int) -> int | None:
    """Seconds to wait when the user is over WORKFUSE_MCP_RATE, else None. Fails open, as
    webhooks do: with the cache down a call goes through rather than failing."""
    try:
        usage = get_usage(
            request,
            group="mcp",
            key=lambda group, req: str(user_id),
            rate=settings.WORKFUSE_MCP_RATE,
            increment=True,
        )
    except Exception as exc:  # any cache backend's error
        log.warning("MCP rate limit not checked for user %s: %s", user_id, exc)
        return None
    if usage and usage["should_limit"]:
        return max(1, int(usage["time_left"]))
    return None


async def _answer(
    send: Any, status: int, code: str, message: str, *headers: tuple[str, str]
) -> None:
    body = json.dumps({"code": code, "message": message, "details": {}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-content-type-options", b"nosniff"),
                *((name.encode(), value.encode()) for name, value in headers),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
