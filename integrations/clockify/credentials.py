"""Clockify's credential: a user's API key (Profile settings → API), sent in `X-Api-Key`."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.clockify.me"


class ApiKey(ApiFields):
    kind = "clockify"
    label = "Clockify API key"

    api_key: SecretStr = Field(min_length=1, description="The user's API key (Profile → API).")
