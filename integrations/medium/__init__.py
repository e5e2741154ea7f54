"""Medium (DESIGN §11): an integration token, and the node app.medium."""

from __future__ import annotations

from integrations.medium import node, rest_api
from integrations.medium.credentials import IntegrationToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="medium",
    label="Medium",
    kinds=(CredentialKind(IntegrationToken, test=rest_api.check_token),),
    node=node.NODE,
)
