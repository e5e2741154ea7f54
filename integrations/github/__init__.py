"""GitHub (DESIGN §11): a personal access token, and the node app.github."""

from __future__ import annotations

from integrations.github import node, rest_api
from integrations.github.credentials import AccessToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="github",
    label="GitHub",
    kinds=(CredentialKind(AccessToken, test=rest_api.check_token),),
    node=node.NODE,
)
