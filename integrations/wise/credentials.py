"""Wise's credential: a personal API token (Settings → Integrations and tools → API tokens),
sent as a bearer token; `base_url` for Wise's sandbox (https://api.sandbox.transferwise.tech)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.transferwise.com"
SANDBOX_URL = "https://api.sandbox.transferwise.tech"


class ApiToken(ApiFields):
    kind = "wise"
    label = "Wise API token"

    api_token: SecretStr = Field(
        min_length=1,
        description="A personal API token with full access (read-only tokens cannot create "
        "quotes or transfers); the node acts as that user.",
    )
    base_url: str | None = Field(
        None,
        description=f"Leave empty for Wise itself ({PUBLIC_URL}); {SANDBOX_URL} for the sandbox.",
    )
