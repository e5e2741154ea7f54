"""Tapfiliate's credential: the account's API key (Settings → API key), sent in the `Api-Key`
header."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.tapfiliate.com"


class ApiKey(ApiFields):
    kind = "tapfiliate"
    label = "Tapfiliate API key"

    api_key: SecretStr = Field(
        min_length=1, description="The account's API key (Settings → API key)."
    )
