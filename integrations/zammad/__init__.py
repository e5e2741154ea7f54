"""Zammad (DESIGN §11): an access token on a Zammad server, and the node app.zammad."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.zammad import node, rest_api
from integrations.zammad.credentials import AccessToken

SERVICE = Service(
    name="zammad",
    label="Zammad",
    kinds=(CredentialKind(AccessToken, test=rest_api.check_token),),
    node=node.NODE,
)
