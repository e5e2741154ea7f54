"""Pipedrive (DESIGN §11): an API token, and the node app.pipedrive."""

from __future__ import annotations

from integrations.pipedrive import node, rest_api
from integrations.pipedrive.credentials import ApiToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="pipedrive",
    label="Pipedrive",
    kinds=(CredentialKind(ApiToken, test=rest_api.check_token),),
    node=node.NODE,
)
