"""Linear (DESIGN §11): a personal API key, and the node app.linear (over Linear's GraphQL
API)."""

from __future__ import annotations

from integrations.linear import graphql_api, node
from integrations.linear.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="linear",
    label="Linear",
    kinds=(CredentialKind(ApiKey, test=graphql_api.check_key),),
    node=node.NODE,
)
