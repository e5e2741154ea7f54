"""Raindrop.io's credential: an access token (an app's test token from Settings →
Integrations, or an OAuth access token), sent as a bearer token."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.raindrop.io"


class Token(ApiFields):
    kind = "raindrop"
    label = "Raindrop.io access token"

    access_token: SecretStr = Field(
        min_length=1,
        description="Your app's test token (Settings → Integrations) or an OAuth token.",
    )
