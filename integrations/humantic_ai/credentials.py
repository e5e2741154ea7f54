"""Humantic AI's credential: an API key, sent as the `apikey` query parameter."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.humantic.ai"


class ApiKey(ApiFields):
    kind = "humantic_ai"
    label = "Humantic AI API key"

    api_key: SecretStr = Field(min_length=1, description="Your Humantic AI API key.")
