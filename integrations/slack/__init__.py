"""Slack (DESIGN §11): a bot token or an incoming webhook, and the node app.slack."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.slack import node, web_api
from integrations.slack.credentials import BotToken, IncomingWebhook

SERVICE = Service(
    name="slack",
    label="Slack",
    kinds=(
        CredentialKind(BotToken, test=web_api.check_bot_token),
        CredentialKind(IncomingWebhook, test=web_api.check_incoming_webhook),
    ),
    node=node.NODE,
)
