"""Clockify (DESIGN §11): an API key, and the node app.clockify."""

from __future__ import annotations

from integrations.clockify import node, rest_api
from integrations.clockify.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="clockify",
    label="Clockify",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
