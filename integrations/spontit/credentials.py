"""Spontit's credential: a secret key (spontit.com/secret_keys), sent in `X-Authorization`, and
the account's username (its user ID), sent in `X-UserId`."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.spontit.com"


class ApiKey(ApiFields):
    kind = "spontit"
    label = "Spontit API key"

    api_key: SecretStr = Field(
        min_length=1, description="A secret key of the account (spontit.com/secret_keys)."
    )
    username: str = Field(
        min_length=1,
        description="The account's username (its user ID), shown on its profile.",
        examples=["acme-alerts"],
    )
