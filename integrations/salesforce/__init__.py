"""Salesforce (DESIGN §11): a connected app's refresh token, and the node app.salesforce."""

from __future__ import annotations

from integrations.salesforce import node, rest_api
from integrations.salesforce.credentials import SalesforceOAuth2
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="salesforce",
    label="Salesforce",
    kinds=(CredentialKind(SalesforceOAuth2, test=rest_api.check_token),),
    node=node.NODE,
)
