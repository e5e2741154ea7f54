"""Raindrop.io (DESIGN §11): an access token, and the node app.raindrop."""

from __future__ import annotations

from integrations.raindrop import node, rest_api
from integrations.raindrop.credentials import Token
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="raindrop",
    label="Raindrop.io",
    kinds=(CredentialKind(Token, test=rest_api.check_token),),
    node=node.NODE,
)
