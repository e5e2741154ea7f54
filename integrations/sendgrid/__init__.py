"""SendGrid (DESIGN §11): an API key, and the node app.sendgrid."""

from __future__ import annotations

from integrations.sendgrid import mail_api, node
from integrations.sendgrid.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="sendgrid",
    label="SendGrid",
    kinds=(CredentialKind(ApiKey, test=mail_api.check_api_key),),
    node=node.NODE,
)
