"""Trello (DESIGN §11): an API key and a user's token, and the node app.trello."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.trello import node, rest_api
from integrations.trello.credentials import ApiKeyToken

SERVICE = Service(
    name="trello",
    label="Trello",
    kinds=(CredentialKind(ApiKeyToken, test=rest_api.check_token),),
    node=node.NODE,
)
