"""ClickUp's credential: a personal API token (Settings → Apps → API Token, `pk_…`), sent as the
`Authorization` header as it is, as ClickUp's API v2 asks."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.clickup.com"


class ApiToken(ApiFields):
    kind = "clickup"
    label = "ClickUp API token"

    api_token: SecretStr = Field(
        min_length=1,
        description="A personal API token (pk_…); the node acts as its owner.",
    )
