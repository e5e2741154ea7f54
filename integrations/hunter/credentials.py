"""Hunter's credential: the account's API key (Dashboard → API), sent as the `api_key` query
parameter, as Hunter's API v2 takes it."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.hunter.io"


class ApiKey(ApiFields):
    kind = "hunter"
    label = "Hunter API key"

    api_key: SecretStr = Field(min_length=1, description="The account's API key (Dashboard → API).")
