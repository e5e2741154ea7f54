"""Notion's credential: an internal integration's token."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

DEFAULT_BASE_URL = "https://api.notion.com"


class IntegrationToken(ApiFields):
    kind = "notion"
    label = "Notion integration token"

    token: SecretStr = Field(
        min_length=1,
        description="The internal integration secret (ntn_… or secret_…) from "
        "notion.so/my-integrations. Share each page or database with the integration "
        "(its ••• menu, Connections) so it can see them.",
    )
    base_url: str | None = Field(
        None,
        description=f"Leave empty for Notion ({DEFAULT_BASE_URL}). Set it for a test server.",
    )
