"""monday.com's credential: a personal API token (profile picture → Developers → My access
tokens), sent as the `Authorization` header as it is, as monday.com's API asks."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.monday.com"


class ApiToken(ApiFields):
    kind = "monday"
    label = "monday.com API token"

    api_token: SecretStr = Field(
        min_length=1,
        description="A personal API token; the node acts as its owner.",
    )
