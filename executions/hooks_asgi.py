"""`/hooks/<token>` straight to the webhook view, past Django's middleware stack.

A webhook needs none of it (no session, CSRF, login, messages or htmx), and under ASGI each
mixin middleware costs a hop to a thread and back. The request is still Django's own
(`workfuse/lib/lean_asgi.py`); the view is the same one `workfuse/urls.py` routes, so tests and
this path share every rule. Its blocking work runs in the kept thread pool (`webhooks.pooled`),
not in a thread per request as Django's handler would make, so a thousand waiting callers hold
no thousand threads.
`workfuse/asgi.py` sends `/hooks/` here, but for resume URLs (`/hooks/resume/`), whose
approval form needs the session and CSRF middleware.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase, JsonResponse

from executions import webhooks
from workfuse.lib import web_balance
from workfuse.lib.lean_asgi import LeanHandler

log = logging.getLogger(__name__)
PREFIX = "/hooks/"


class WebhookHandler(LeanHandler):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        with webhooks.pooled():
            await self.handle(scope, receive, send)

    def load_middleware(self, is_async: bool = False) -> None:
        """No middleware on this path."""

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
