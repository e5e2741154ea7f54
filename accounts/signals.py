"""Login, logout and failed-login events go to the security log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.models import SecurityEvent


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    SecurityEvent.record(SecurityEvent.Kind.LOGIN, user=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    SecurityEvent.record(SecurityEvent.Kind.LOGOUT, user=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    # Record who was tried, never the password Django already scrubs from `credentials`.
    attempted = credentials.get("email") or credentials.get("username") or ""
    SecurityEvent.record(
        SecurityEvent.Kind.LOGIN_FAILED, request=request, attempted=str(attempted)[:200]
    )
