"""E-goi's credential: the account's API key (Apps → API key), sent in the `Apikey` header."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.egoiapp.com"


class ApiKey(ApiFields):
    kind = "egoi"
    label = "E-goi API key"

    api_key: SecretStr = Field(min_length=1, description="The account's API key.")
