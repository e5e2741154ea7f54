"""ClickUp (DESIGN §11): a personal API token, and the node app.clickup."""

from __future__ import annotations

from integrations.clickup import node, rest_api
from integrations.clickup.credentials import ApiToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="clickup",
    label="ClickUp",
    kinds=(CredentialKind(ApiToken, test=rest_api.check_token),),
    node=node.NODE,
)
