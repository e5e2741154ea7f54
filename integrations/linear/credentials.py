"""Linear's credential: a personal API key (Settings → Account → Security & access → Personal
API keys), sent as the `Authorization` header as it is (Linear's rule for API keys; OAuth
tokens would carry "Bearer")."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.linear.app"


class ApiKey(ApiFields):
    kind = "linear"
    label = "Linear API key"

    api_key: SecretStr = Field(
        min_length=1,
        description="A personal API key (lin_api_…); the node acts as its owner.",
    )
