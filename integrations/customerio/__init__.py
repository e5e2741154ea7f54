"""Customer.io (DESIGN §11): a Track API site id and key, and the node app.customerio."""

from __future__ import annotations

from integrations.customerio import node, track_api
from integrations.customerio.credentials import TrackKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="customerio",
    label="Customer.io",
    kinds=(CredentialKind(TrackKey, test=track_api.check_key),),
    node=node.NODE,
)
