"""API tokens and the security event log."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

TOKEN_PREFIX = "wf_"  # noqa: S105  (a public marker, not a secret)


def hash_token(raw: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast hash is enough (no password stretching).
    return hashlib.sha256(raw.encode()).hexdigest()


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address, read through the number of trusted proxies configured."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()
    ]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR")


class ApiToken(models.Model):
    """A bearer token for the HTTP API. Only the hash is stored; the raw token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="First characters, to tell tokens apart.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user: Any, name: str) -> tuple[ApiToken, str]:
        """Create a token; returns the row and the raw token, which is never retrievable again."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=raw[:10], token_hash=hash_token(raw)
        )
        return token, raw

    @classmethod
    def accepted(cls, token: ApiToken | None) -> ApiToken | None:
        """`token` (its user loaded) if its user is active, its use noted once a minute. The
        callers find it with `executions.step_sql.api_token`, a statement written once: as a
        queryset the lookup cost about 0.45 ms of a call's CPU."""
        if token is None or not token.user.is_active:
            return None
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token


class SecurityEvent(models.Model):
    """An append-only record of security-relevant events, for operators (Django admin)."""

    class Kind(models.TextChoices):
        LOGIN = "login", "Login"
        LOGIN_FAILED = "login_failed", "Failed login"
        LOGOUT = "logout", "Logout"
        API_TOKEN_CREATED = "api_token_created", "API token created"
        API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"
        WEBHOOK_REFUSED = "webhook_refused", "Webhook request refused"
        CREDENTIAL_CREATED = "credential_created", "Credential created"
        CREDENTIAL_ROTATED = "credential_rotated", "Credential rotated"
        CREDENTIAL_DELETED = "credential_deleted", "Credential deleted"
        CREDENTIAL_RESOLVED = "credential_resolved", "Credential resolved"

    kind = models.CharField(max_length=40, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def record(
        cls, kind: str, *, user: Any = None, request: HttpRequest | None = None, **detail: Any
    ) -> SecurityEvent:
        ip = client_ip(request) if request is not None else None
        if user is not None and not getattr(user, "pk", None):
            user = None
        return cls.objects.create(kind=kind, user=user, ip=ip or None, detail=detail)
