"""Jira Cloud (DESIGN §11): an Atlassian account's email and API token, and the node app.jira."""

from __future__ import annotations

from integrations.jira import node, rest_api
from integrations.jira.credentials import ApiToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="jira",
    label="Jira",
    kinds=(CredentialKind(ApiToken, test=rest_api.check_token),),
    node=node.NODE,
)
