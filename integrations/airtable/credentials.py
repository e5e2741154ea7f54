"""Airtable's credential: a personal access token."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

DEFAULT_BASE_URL = "https://api.airtable.com"


class AccessToken(ApiFields):
    kind = "airtable"
    label = "Airtable access token"

    token: SecretStr = Field(
        min_length=1,
        description="A personal access token (pat…) from airtable.com/create/tokens, with the "
        "data.records:read and data.records:write scopes and access to your bases.",
    )
    base_url: str | None = Field(
        None,
        description=f"Leave empty for Airtable ({DEFAULT_BASE_URL}). Set it for a test server.",
    )
