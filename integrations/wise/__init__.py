"""Wise (DESIGN §11): an API token, and the node app.wise."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.wise import node, rest_api
from integrations.wise.credentials import ApiToken

SERVICE = Service(
    name="wise",
    label="Wise",
    kinds=(CredentialKind(ApiToken, test=rest_api.check_token),),
    node=node.NODE,
)
