"""Discord's credential: a channel webhook's URL (its id and token are in it)."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator

from integrations.service import CredentialFields, secret_url


class Webhook(CredentialFields):
    kind = "discord"
    label = "Discord webhook"

    webhook_url: SecretStr = Field(
        min_length=1,
        description="The webhook's URL (https://discord.com/api/webhooks/<id>/<token>), from "
        "the channel's settings: Integrations, Webhooks, Copy Webhook URL.",
    )

    _url = field_validator("webhook_url")(secret_url)
