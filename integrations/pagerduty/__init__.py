"""PagerDuty (DESIGN §11): a REST API key, and the node app.pagerduty."""

from __future__ import annotations

from integrations.pagerduty import node, rest_api
from integrations.pagerduty.credentials import ApiToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="pagerduty",
    label="PagerDuty",
    kinds=(CredentialKind(ApiToken, test=rest_api.check_token),),
    node=node.NODE,
)
