"""Zendesk Support (DESIGN §11): an agent's email and API token, or an OAuth access token, and
the node app.zendesk."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.zendesk import node, rest_api
from integrations.zendesk.credentials import ApiToken, OAuthToken

SERVICE = Service(
    name="zendesk",
    label="Zendesk",
    kinds=(
        CredentialKind(ApiToken, test=rest_api.check_credential),
        CredentialKind(OAuthToken, test=rest_api.check_credential),
    ),
    node=node.NODE,
)
