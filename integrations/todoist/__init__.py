"""Todoist (DESIGN §11): an API token, and the node app.todoist."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.todoist import node, rest_api
from integrations.todoist.credentials import ApiToken

SERVICE = Service(
    name="todoist",
    label="Todoist",
    kinds=(CredentialKind(ApiToken, test=rest_api.check_token),),
    node=node.NODE,
)
