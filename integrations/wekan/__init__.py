"""Wekan (DESIGN §11): a user's login on a Wekan server, and the node app.wekan."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.wekan import node, rest_api
from integrations.wekan.credentials import Login

SERVICE = Service(
    name="wekan",
    label="Wekan",
    kinds=(CredentialKind(Login, test=rest_api.check),),
    node=node.NODE,
)
