"""Asana (DESIGN §11): a personal access token, and the node app.asana."""

from __future__ import annotations

from integrations.asana import node, rest_api
from integrations.asana.credentials import AccessToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="asana",
    label="Asana",
    kinds=(CredentialKind(AccessToken, test=rest_api.check_token),),
    node=node.NODE,
)
