"""Mattermost (DESIGN §11): a personal access token on a Mattermost server, and the node
app.mattermost."""

from __future__ import annotations

from integrations.mattermost import node, rest_api
from integrations.mattermost.credentials import AccessToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="mattermost",
    label="Mattermost",
    kinds=(CredentialKind(AccessToken, test=rest_api.check_token),),
    node=node.NODE,
)
