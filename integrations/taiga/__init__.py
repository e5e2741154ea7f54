"""Taiga (DESIGN §11): a user's name and password, and the node app.taiga."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.taiga import node, rest_api
from integrations.taiga.credentials import Login

SERVICE = Service(
    name="taiga",
    label="Taiga",
    kinds=(CredentialKind(Login, test=rest_api.check_login),),
    node=node.NODE,
)
