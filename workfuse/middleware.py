"""Error answers under /api/ and /hooks/ are JSON `{code, message, details}`, even those that
Django or ninja make as plain text (a 405 for a method the URL does not take).

Sync and async capable: a sync-only middleware would make Django run every async view (the
webhook's) in a thread that it holds for the whole request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase, JsonResponse

from workfuse.views import JSON_PATHS


class JsonErrorsMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self._acall(request)
        return _as_json(request, self.get_response(request))

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        get_response: Callable[[HttpRequest], Awaitable[HttpResponseBase]] = self.get_response
        return _as_json(request, await get_response(request))


def _as_json(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    if (
        response.status_code == 405
        and request.path.startswith(JSON_PATHS)
        and not response.get("Content-Type", "").startswith("application/json")
    ):
        allowed = response.get("Allow", "")
        json = JsonResponse(
            {
                "code": "method_not_allowed",
                "message": f"{request.method} is not allowed here; this URL takes {allowed}.",
                "details": None,
            },
            status=405,
        )
        json["Allow"] = allowed
        return json
    return response
