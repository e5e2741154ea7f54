"""Tapfiliate (DESIGN §11): an API key, and the node app.tapfiliate."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.tapfiliate import node, rest_api
from integrations.tapfiliate.credentials import ApiKey

SERVICE = Service(
    name="tapfiliate",
    label="Tapfiliate",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
