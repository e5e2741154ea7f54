"""HubSpot (DESIGN §11): a private app's access token, and the node app.hubspot."""

from __future__ import annotations

from integrations.hubspot import crm_api, node
from integrations.hubspot.credentials import PrivateAppToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="hubspot",
    label="HubSpot",
    kinds=(CredentialKind(PrivateAppToken, test=crm_api.check_token),),
    node=node.NODE,
)
