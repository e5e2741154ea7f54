"""Zulip's credential: the organization's address, a bot's (or user's) email and its API key,
sent as HTTP basic auth, as n8n's Zulip credential does."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.service import ApiFields


class ApiKey(ApiFields):
    kind = "zulip"
    label = "Zulip API key"

    email: str = Field(
        min_length=3,
        description="The bot's (or user's) email address.",
        examples=["n8n-bot@acme.zulipchat.com"],
    )
    api_key: SecretStr = Field(
        min_length=1, description="Its API key (Personal settings → Bots, or Account & privacy)."
    )
    # Required here: every Zulip organization has its own address.
    base_url: str = Field(
        min_length=1,
        description="The organization's address, e.g. https://acme.zulipchat.com (the API is "
        "under /api/v1).",
    )
