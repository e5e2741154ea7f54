"""Readable error pages; API paths get the API's JSON error shape instead."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "not_found", "message": "Not found.", "details": None}, status=404
        )
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "code": "server_error",
                "message": "Something went wrong on our side; it has been logged.",
                "details": None,
            },
            status=500,
        )
    return render(request, "errors/500.html", status=500)
