"""Freshdesk's credential: an agent's API key (Profile settings → Your API Key), sent as HTTP
Basic auth with the key as the user and `X` as the password, and the helpdesk's address
(`https://acme.freshdesk.com`: every helpdesk is its own host)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class ApiKey(ApiFields):
    kind = "freshdesk"
    label = "Freshdesk API key"

    api_key: SecretStr = Field(min_length=1, description="The agent's API key.")
    base_url: str | None = Field(
        ..., description="The helpdesk's address: https://acme.freshdesk.com."
    )
