"""Discord (DESIGN §11): a channel webhook, and the node app.discord."""

from __future__ import annotations

from integrations.discord import node, webhook_api
from integrations.discord.credentials import Webhook
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="discord",
    label="Discord",
    kinds=(CredentialKind(Webhook, test=webhook_api.check_webhook),),
    node=node.NODE,
)
