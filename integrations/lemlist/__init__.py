"""lemlist (DESIGN §11): a team API key, and the node app.lemlist."""

from __future__ import annotations

from integrations.lemlist import node, rest_api
from integrations.lemlist.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="lemlist",
    label="lemlist",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
