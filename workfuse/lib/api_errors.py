"""The API's error shape (DESIGN §8): `{code, message, details}` with an HTTP status."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse


class ApiError(Exception):
    """An error answered as `{code, message, details}` with the given HTTP status."""

    def __init__(self, status: int, code: str, message: str, details: Any = None):
        self.status, self.code, self.message, self.details = status, code, message, details
        super().__init__(message)


def error_response(
    request: HttpRequest | None, status: int, code: str, message: str, details: Any = None
) -> JsonResponse:
    """The error as a response, for views that answer before raising is possible (429s)."""
    return JsonResponse({"code": code, "message": message, "details": details}, status=status)
