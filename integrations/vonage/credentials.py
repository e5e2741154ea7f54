"""Vonage's credential (formerly Nexmo): the account's API key and API secret (Dashboard →
API settings)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://rest.nexmo.com"


class ApiKey(ApiFields):
    kind = "vonage"
    label = "Vonage API key and secret"

    api_secret: SecretStr = Field(min_length=1, description="The account's API secret.")
    api_key: str = Field(
        min_length=1,
        max_length=64,
        description="The account's API key (Dashboard → API settings). It names the account.",
        examples=["a1b2c3d4"],
    )
