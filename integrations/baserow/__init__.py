"""Baserow (DESIGN §11): a database token, and the node app.baserow."""

from __future__ import annotations

from integrations.baserow import node, rest_api
from integrations.baserow.credentials import DatabaseToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="baserow",
    label="Baserow",
    kinds=(CredentialKind(DatabaseToken, test=rest_api.check_token),),
    node=node.NODE,
)
