"""E-goi (DESIGN §11): an API key, and the node app.egoi."""

from __future__ import annotations

from integrations.egoi import node, rest_api
from integrations.egoi.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="egoi",
    label="E-goi",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
