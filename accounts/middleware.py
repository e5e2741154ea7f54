from __future__ import annotations

from typing import Any

from django.contrib.auth import middleware
from django.http import HttpRequest, HttpResponseBase


class LoginRequiredMiddleware(middleware.LoginRequiredMiddleware):
    """Django's login-required default, minus the paths that authenticate on their own:
    the API (bearer token or session, answered with JSON 401), webhooks and static files."""

    open_prefixes = ("/api/", "/hooks/", "/static/")

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if request.path.startswith(self.open_prefixes):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
