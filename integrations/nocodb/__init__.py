"""NocoDB (DESIGN §11): an API token with the server's address, and the node app.nocodb."""

from __future__ import annotations

from integrations.nocodb import data_api, node
from integrations.nocodb.credentials import ApiToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="nocodb",
    label="NocoDB",
    kinds=(CredentialKind(ApiToken, test=data_api.check_token),),
    node=node.NODE,
)
