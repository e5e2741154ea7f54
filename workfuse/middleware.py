"""Error answers under /api/ and /hooks/ are JSON `{code, message, details}`, even those that
Django or ninja make as plain text (a 405 for a method the URL does not take)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase, JsonResponse

from workfuse.views import JSON_PATHS


class JsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
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
