"""ProfitWell (DESIGN §11): an API token, and the node app.profitwell (metrics)."""

from __future__ import annotations

from integrations.profitwell import node, rest_api
from integrations.profitwell.credentials import ApiToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="profitwell",
    label="ProfitWell",
    kinds=(CredentialKind(ApiToken, test=rest_api.check_token),),
    node=node.NODE,
)
