"""Vonage (DESIGN §11): an API key and secret, and the node app.vonage (SMS)."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.vonage import node, rest_api
from integrations.vonage.credentials import ApiKey

SERVICE = Service(
    name="vonage",
    label="Vonage",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
