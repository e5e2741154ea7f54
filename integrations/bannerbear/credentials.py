"""Bannerbear's credential: a project API key, sent as a bearer token."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.bannerbear.com"


class ApiKey(ApiFields):
    kind = "bannerbear"
    label = "Bannerbear API key"

    api_key: SecretStr = Field(min_length=1, description="Your project's API key (Settings).")
