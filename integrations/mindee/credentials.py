"""Mindee's credential: an API key (platform.mindee.com → API Keys), sent as
`Authorization: Token <key>`."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.mindee.net"


class ApiKey(ApiFields):
    kind = "mindee"
    label = "Mindee API key"

    api_key: SecretStr = Field(min_length=1, description="Your Mindee API key.")
