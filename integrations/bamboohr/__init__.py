"""BambooHR (DESIGN §11): a company's API key, and the node app.bamboohr."""

from __future__ import annotations

from integrations.bamboohr import node, rest_api
from integrations.bamboohr.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="bamboohr",
    label="BambooHR",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
