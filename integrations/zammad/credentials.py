"""Zammad's credential: a user's access token (Profile → Token Access), sent as
`Authorization: Token token=<token>`, and the helpdesk's address."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class AccessToken(ApiFields):
    kind = "zammad"
    label = "Zammad access token"

    access_token: SecretStr = Field(
        min_length=1, description="A personal access token (Profile → Token Access)."
    )
    # Required here: every Zammad helpdesk has its own address.
    base_url: str = Field(
        min_length=1,
        description="The helpdesk's address, e.g. https://support.example.com (the API is "
        "under /api/v1).",
    )
