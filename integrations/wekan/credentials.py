"""Wekan's credential: a user's name and password on a Wekan server (self-hosted: the server's
address is required), traded for a login token at each step."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class Login(ApiFields):
    kind = "wekan"
    label = "Wekan login"

    username: str = Field(
        min_length=1, examples=["ada"], description="The Wekan user name (or email)."
    )
    password: SecretStr = Field(min_length=1, description="The user's password.")
    # Required here: there is no one public Wekan.
    base_url: str = Field(
        min_length=1,
        description="The server's address, e.g. https://wekan.example.com (the API is under /api).",
    )
