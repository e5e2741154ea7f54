"""Hunter (DESIGN §11): an API key, and the node app.hunter."""

from __future__ import annotations

from integrations.hunter import node, rest_api
from integrations.hunter.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="hunter",
    label="Hunter",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
