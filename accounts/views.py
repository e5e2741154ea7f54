"""The Settings page (API tokens), and the sign-in page's answer to a lockout (DESIGN §10)."""

from __future__ import annotations

from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.views import LoginView as AllauthLoginView
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import ApiToken, SecurityEvent
from workfuse.lib.requests import SignedInRequest


def settings_page(request: SignedInRequest) -> HttpResponse:
    """Account settings: API tokens (create shows the raw token once; revoke)."""
    new_token = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create_token":
            name = request.POST.get("name", "").strip()[:100]
            if not name:
                messages.error(request, "Give the token a name, so you can tell it apart later.")
                return redirect("accounts:settings")
            _, new_token = ApiToken.issue(request.user, name)
            SecurityEvent.record(
                SecurityEvent.Kind.API_TOKEN_CREATED, user=request.user, request=request, name=name
            )
        elif action == "revoke_token":
            token = get_object_or_404(ApiToken, pk=request.POST.get("id"), user=request.user)
            token.delete()
            SecurityEvent.record(
                SecurityEvent.Kind.API_TOKEN_REVOKED,
                user=request.user,
                request=request,
                name=token.name,
            )
            messages.success(request, f"Revoked “{token.name}”.")
            return redirect("accounts:settings")
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "accounts/settings.html", {"tokens": tokens, "new_token": new_token})


class LoginView(AllauthLoginView):
    """allauth's sign-in page; a lockout after too many failed attempts (allauth's `login_failed`
    rate limit) keeps the page and its message but answers 429 with `Retry-After`."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        codes = {error.code for error in form.non_field_errors().as_data()}
        if "too_many_login_attempts" in codes:
            response.status_code = 429
            response["Retry-After"] = str(rate_window("login_failed"))
        return response


login = LoginView.as_view()


# The allauth pages that answer 429 and the rate (ACCOUNT_RATE_LIMITS) each one counts.
RATE_ACTIONS = {
    "account_login": "login",
    "account_signup": "signup",
    "account_reset_password": "reset_password",
    "account_reset_password_from_key": "reset_password_from_key",
    "account_change_password": "change_password",
    "account_set_password": "change_password",
    "account_email": "manage_email",
    "account_reauthenticate": "reauthenticate",
    "account_request_login_code": "request_login_code",
}


def rate_limited(request: HttpRequest) -> HttpResponse:
    """allauth's other rate limits (`handler429` in workfuse/urls.py): a page, with Retry-After."""
    match = request.resolver_match
    response = render(request, "errors/429.html", status=429)
    response["Retry-After"] = str(rate_window(RATE_ACTIONS.get((match and match.url_name) or "")))
    return response


def rate_window(action: str | None) -> int:
    """Seconds until the longest window of an allauth rate limit (ACCOUNT_RATE_LIMITS) has
    passed: by then the attempts that caused the limit no longer count. An upper bound:
    allauth does not say which of an action's rates (per IP, per email) was hit; for an
    unknown action, the longest window of all."""
    limits = account_settings.RATE_LIMITS or {}
    rates = [limits.get(action) or ""] if action else [r or "" for r in limits.values()]
    windows = [_seconds(rate.split("/")[1]) for r in rates for rate in r.split(",") if "/" in rate]
    return max(windows, default=60)


def _seconds(duration: str) -> int:
    """allauth's duration syntax: `m`, `300s`, `5m`, `1h`, `1d`."""
    duration = duration.strip()
    number = float(duration[:-1] or 1)
    return int(number * {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(duration[-1:], 1))
