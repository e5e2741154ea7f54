"""SecurityScorecard (DESIGN §11): an API key, and the node app.securityscorecard."""

from __future__ import annotations

from integrations.securityscorecard import node, rest_api
from integrations.securityscorecard.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="securityscorecard",
    label="SecurityScorecard",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
