"""NASA's open APIs (DESIGN §11): an api.nasa.gov key, and the node app.nasa."""

from __future__ import annotations

from integrations.nasa import node, rest_api
from integrations.nasa.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="nasa",
    label="NASA",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
