"""SecurityScorecard's credential: an API key (My Settings → API), sent as `Token <key>`."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.securityscorecard.io"


class ApiKey(ApiFields):
    kind = "securityscorecard"
    label = "SecurityScorecard API key"

    api_key: SecretStr = Field(min_length=1, description="The API key (My Settings → API).")
