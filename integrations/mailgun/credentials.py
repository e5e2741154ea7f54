"""Mailgun's credential: a sending API key (or the account's private key), the domain it sends
from, and the region whose API serves that domain."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from integrations.service import ApiFields

HOSTS = {"us": "https://api.mailgun.net", "eu": "https://api.eu.mailgun.net"}


class ApiKey(ApiFields):
    kind = "mailgun"
    label = "Mailgun API key"

    api_key: SecretStr = Field(
        min_length=1, description="A sending API key of the domain, or the account's API key."
    )
    domain: str = Field(
        min_length=1,
        description="The sending domain as Mailgun lists it, e.g. mg.example.com.",
        examples=["mg.example.com"],
    )
    region: Literal["us", "eu"] = Field(
        "us", description="Where the domain lives: us (api.mailgun.net) or eu (api.eu.mailgun.net)."
    )
