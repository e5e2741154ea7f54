"""Pushcut's credential: the account's API key (Pushcut app → Account → Integrations), sent in
`API-Key`."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.pushcut.io"


class ApiKey(ApiFields):
    kind = "pushcut"
    label = "Pushcut API key"

    api_key: SecretStr = Field(
        min_length=1, description="The account's API key (Account → Integrations in the app)."
    )
