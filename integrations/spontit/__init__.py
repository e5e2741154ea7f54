"""Spontit (DESIGN §11): an API key with its username, and the node app.spontit."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.spontit import node, rest_api
from integrations.spontit.credentials import ApiKey

SERVICE = Service(
    name="spontit",
    label="Spontit",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
