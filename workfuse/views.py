"""Readable error pages; the API and webhooks get the API's JSON error shape instead, always."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

JSON_PATHS = ("/api/", "/hooks/")


def _json(request: HttpRequest) -> bool:
    return request.path.startswith(JSON_PATHS)


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "details": None}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's answer to a SuspiciousOperation (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too
    many form fields, a bad Host) raised outside the views' own checks."""
    if _json(request):
        if isinstance(exception, RequestDataTooBig):
            return _error(413, "too_large", "The request body is too large.")
        return _error(400, "bad_request", f"The request was refused: {exception}")
    return defaults.bad_request(request, exception or Exception())


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _json(request):
        return _error(403, "forbidden", str(exception or "") or "Permission denied.")
    return defaults.permission_denied(request, exception or Exception())


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _json(request):
        return _error(404, "not_found", "Not found.")
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _json(request):
        return _error(500, "server_error", "Something went wrong on our side; it has been logged.")
    return render(request, "errors/500.html", status=500)
