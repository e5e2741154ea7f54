"""Mailcheck's credential: an API key, sent as a bearer token."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.mailcheck.co"


class ApiKey(ApiFields):
    kind = "mailcheck"
    label = "Mailcheck API key"

    api_key: SecretStr = Field(min_length=1, description="Your Mailcheck API key.")
