"""Pushcut (DESIGN §11): an API key, and the node app.pushcut."""

from __future__ import annotations

from integrations.pushcut import node, rest_api
from integrations.pushcut.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="pushcut",
    label="Pushcut",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
