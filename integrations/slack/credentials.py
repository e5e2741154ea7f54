"""Slack's two kinds of credential: a bot token for the Web API, and an incoming-webhook URL
that posts to one channel."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator

from integrations.service import ApiFields, CredentialFields, secret_url

DEFAULT_BASE_URL = "https://slack.com/api"


class BotToken(ApiFields):
    kind = "slack"
    label = "Slack bot token"

    bot_token: SecretStr = Field(
        min_length=1,
        description="The app's Bot User OAuth Token (xoxb-…), from your Slack app's "
        "OAuth & Permissions page. It needs the chat:write scope, and files:write to upload. "
        "To search messages, give a User OAuth Token (xoxp-…) with search:read instead: Slack "
        "lets only users search. Likewise, to change a profile's status, a User OAuth Token with "
        "users.profile:write (users.profile:read reads profiles with either).",
    )
    base_url: str | None = Field(
        None,
        description=f"Leave empty for Slack ({DEFAULT_BASE_URL}). Set it for Slack GovSlack "
        "(https://slack-gov.com/api) or a test server.",
    )


class IncomingWebhook(CredentialFields):
    kind = "slack_webhook"
    label = "Slack incoming webhook"

    webhook_url: SecretStr = Field(
        min_length=1,
        description="The incoming webhook's URL (https://hooks.slack.com/services/…), from "
        "your Slack app's Incoming Webhooks page. It posts to the one channel it was made for.",
    )

    _url = field_validator("webhook_url")(secret_url)
