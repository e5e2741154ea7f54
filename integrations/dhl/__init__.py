"""DHL (DESIGN §11): a Shipment Tracking API key, and the node app.dhl."""

from __future__ import annotations

from integrations.dhl import node, rest_api
from integrations.dhl.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="dhl",
    label="DHL",
    kinds=(CredentialKind(ApiKey, test=rest_api.check_key),),
    node=node.NODE,
)
