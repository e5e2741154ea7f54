"""Telegram (DESIGN §11): a bot token, and the node app.telegram."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.telegram import bot_api, node
from integrations.telegram.credentials import BotToken

SERVICE = Service(
    name="telegram",
    label="Telegram",
    kinds=(CredentialKind(BotToken, test=bot_api.check_bot_token),),
    node=node.NODE,
)
