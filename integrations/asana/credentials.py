"""Asana's credential: a personal access token (My settings → Apps → Developer apps), sent as a
bearer token."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://app.asana.com"


class AccessToken(ApiFields):
    kind = "asana"
    label = "Asana personal access token"

    access_token: SecretStr = Field(
        min_length=1, description="A personal access token (Developer console)."
    )
