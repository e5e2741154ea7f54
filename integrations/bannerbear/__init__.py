"""Bannerbear (DESIGN §11): a project API key, and the node app.bannerbear."""

from __future__ import annotations

from integrations.bannerbear import node, rest_api
from integrations.bannerbear.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="bannerbear",
    label="Bannerbear",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
