"""BambooHR's credential: a user's API key (their name → API Keys) and the company's subdomain
(`acme` for acme.bamboohr.com). The key is sent as HTTP Basic's user name, with any password
(BambooHR documents `x`)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields

PUBLIC_URL = "https://api.bamboohr.com"


class ApiKey(ApiFields):
    kind = "bamboohr"
    label = "BambooHR API key"

    api_key: SecretStr = Field(
        min_length=1,
        description="The API key (your name → API Keys in BambooHR); the node sees what that "
        "user may see.",
    )
    company_domain: str = Field(
        min_length=1,
        pattern=r"^[A-Za-z0-9-]+$",
        description="The company's BambooHR subdomain: acme for acme.bamboohr.com.",
        examples=["acme"],
    )
