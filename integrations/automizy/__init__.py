"""Automizy (DESIGN §11): an API token, and the node app.automizy."""

from __future__ import annotations

from integrations.automizy import node, rest_api
from integrations.automizy.credentials import ApiToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="automizy",
    label="Automizy",
    kinds=(CredentialKind(ApiToken, test=rest_api.check_token),),
    node=node.NODE,
)
