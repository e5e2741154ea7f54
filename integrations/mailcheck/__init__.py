"""Mailcheck (DESIGN §11): an API key, and the node app.mailcheck."""

from __future__ import annotations

from integrations.mailcheck import node, rest_api
from integrations.mailcheck.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="mailcheck",
    label="Mailcheck",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
