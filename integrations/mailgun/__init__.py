"""Mailgun (DESIGN §11): an API key with the sending domain, and the node app.mailgun."""

from __future__ import annotations

from integrations.mailgun import messages_api, node
from integrations.mailgun.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="mailgun",
    label="Mailgun",
    kinds=(CredentialKind(ApiKey, test=messages_api.check_key),),
    node=node.NODE,
)
