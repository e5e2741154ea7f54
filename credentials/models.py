"""Credentials: a name, a kind and a reference into the vault. Never the value (DESIGN §9)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from integrations import registry


def kind_choices() -> list[tuple[str, str]]:
    """The base kinds, then one or more per integration (integrations/registry.py): a service
    added there needs no migration here."""
    return [*Credential.Kind.choices, *registry.kind_choices()]


class Credential(models.Model):
    class Kind(models.TextChoices):
        """The base kinds: a secret any HTTP call or webhook can use."""

        API_KEY = "api_key", "API key"
        BEARER = "bearer", "Bearer token"
        BASIC = "basic", "Username and password"
        HEADER = "header", "Header value"
        AI_PROVIDER = "ai_provider", "AI provider key"
        WEBHOOK_SECRET = "webhook_secret", "Webhook secret"
        # --- pdfpass ---
        PDF_PASSWORD = "pdf_password", "PDF password"  # opens an encrypted PDF (Extract from file)
        # --- end pdfpass ---

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credentials"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=kind_choices)
    # An integration credential's non-secret fields (base_url, ...): shown and editable. Its
    # secret fields are in the vault with every other value.
    settings = models.JSONField(default=dict, blank=True)
    # Where the value lives: an AWS Secrets Manager ARN, or `local:<id>` for the local vault.
    secret_ref = models.CharField(max_length=500, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="credential_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"
