"""Automizy's credential: an API token (Settings → API tokens), sent as a bearer token."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://gateway.automizy.com"


class ApiToken(ApiFields):
    kind = "automizy"
    label = "Automizy API token"

    api_token: SecretStr = Field(min_length=1, description="The account's API token.")
