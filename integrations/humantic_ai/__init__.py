"""Humantic AI (DESIGN §11): an API key, and the node app.humantic_ai."""

from __future__ import annotations

from integrations.humantic_ai import node, rest_api
from integrations.humantic_ai.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="humantic_ai",
    label="Humantic AI",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
