"""Taiga's credential: a user's name (or email) and password, traded for an auth token at each
step (Taiga's API has no long-lived personal tokens); `base_url` for a self-hosted Taiga."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.taiga.io"


class Login(ApiFields):
    kind = "taiga"
    label = "Taiga login"

    username: str = Field(
        min_length=1, description="The Taiga user name or email.", examples=["ada"]
    )
    password: SecretStr = Field(
        min_length=1, description="The user's password; the node acts as that user."
    )
