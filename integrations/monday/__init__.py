"""monday.com (DESIGN §11): a personal API token, and the node app.monday."""

from __future__ import annotations

from integrations.monday import graphql_api, node
from integrations.monday.credentials import ApiToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="monday",
    label="monday.com",
    kinds=(CredentialKind(ApiToken, test=graphql_api.check_token),),
    node=node.NODE,
)
