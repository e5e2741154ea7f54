"""lemlist's credential: the team's API key (Settings → Integrations → API), sent as HTTP Basic
auth with an empty user name, as lemlist's API asks."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.lemlist.com"


class ApiKey(ApiFields):
    kind = "lemlist"
    label = "lemlist API key"

    api_key: SecretStr = Field(min_length=1, description="The team's API key.")
