"""Clearbit (DESIGN §11): an API key, and the node app.clearbit."""

from __future__ import annotations

from integrations.clearbit import enrichment_api, node
from integrations.clearbit.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="clearbit",
    label="Clearbit",
    kinds=(CredentialKind(ApiKey, test=enrichment_api.check_key),),
    node=node.NODE,
)
