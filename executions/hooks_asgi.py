"""`/hooks/<token>` straight to the webhook view, past Django's middleware stack.

A webhook needs none of it (no session, CSRF, login, messages or htmx), and under ASGI each
mixin middleware costs a hop to a thread and back. The request is still Django's own
(`ASGIHandler` reads the body, builds the request and watches for a disconnect); the view is
the same one `workfuse/urls.py` routes, so tests and this path share every rule. Its blocking
work runs in the webhook thread pool (`webhooks.pooled`), not in a thread per request as
Django's handler would make, so a thousand waiting callers hold no thousand threads.
`workfuse/asgi.py` sends `/hooks/` here, but for resume URLs (`/hooks/resume/`), whose
approval form needs the session and CSRF middleware.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from django.core.exceptions import DisallowedHost, RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.urls import set_script_prefix

from executions import webhooks
from workfuse.lib import web_balance

log = logging.getLogger(__name__)
PREFIX = "/hooks/"


class WebhookHandler(ASGIHandler):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        with webhooks.pooled():
            await self.handle(scope, receive, send)

    def load_middleware(self, is_async: bool = False) -> None:
        """No middleware on this path."""

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Django's `handle` without the request_started and request_finished hops: their
        receivers close the database connections and caches of the thread they run in, each
        in a shared thread reached through `sync_to_async`, two hops per request that queue
        behind each other and behind the GIL under load. This path opens no connection in the
        event loop, and the pool threads that do close theirs after each call
        (`webhooks._closing`). Like Django's, it stops the view if the caller hangs up."""
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        request, error_response = self.create_request(scope, body_file)
        try:
            if request is None:
                assert error_response is not None  # Django returns one or the other
                await self.send_response(error_response, send)
                return
            view = asyncio.ensure_future(self._respond(request, send))
            hang_up = asyncio.ensure_future(self.listen_for_disconnect(receive))
            await asyncio.wait((view, hang_up), return_when=asyncio.FIRST_COMPLETED)
            for task in (hang_up, view):
                if not task.done():
                    task.cancel()
                with contextlib.suppress(asyncio.CancelledError, RequestAborted):
                    await task
        finally:
            body_file.close()

    async def _respond(self, request: HttpRequest, send: Any) -> None:
        response = await self.get_response_async(request)
        try:
            await self.send_response(response, send)
        finally:
            for close in response._resource_closers:  # type: ignore[attr-defined]
                close()

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        token = request.path[len(PREFIX) :]
        try:
            if not token or "/" in token:
                response: HttpResponseBase = _error(404, "not_found", "No webhook at this URL.")
            else:
                response = await webhooks.receive(request, token)
        except DisallowedHost:
            response = _error(400, "bad_request", "The Host header names no host of this server.")
        except Exception:
            log.exception("The webhook %s failed", request.path)
            response = _error(500, "server_error", "The webhook failed; try again later.")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if web_balance.should_close():
            response.headers["Connection"] = "close"
        response._resource_closers.append(request.close)  # type: ignore[attr-defined]  # as Django does
        return response


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "details": None}, status=status)
