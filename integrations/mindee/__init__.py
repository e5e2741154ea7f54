"""Mindee (DESIGN §11): an API key, and the node app.mindee."""

from __future__ import annotations

from integrations.mindee import node, rest_api
from integrations.mindee.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="mindee",
    label="Mindee",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
