"""Freshdesk (DESIGN §11): an API key on a helpdesk, and the node app.freshdesk."""

from __future__ import annotations

from integrations.freshdesk import node, rest_api
from integrations.freshdesk.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="freshdesk",
    label="Freshdesk",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
