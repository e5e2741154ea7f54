"""Venafi TLS Protect Cloud (DESIGN §11): an API key in the US or EU region, and the node
app.venafi_cloud."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.venafi_cloud import node, rest_api
from integrations.venafi_cloud.credentials import ApiKey

SERVICE = Service(
    name="venafi_cloud",
    label="Venafi TLS Protect Cloud",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
