"""WhatsApp (DESIGN §11): a Cloud API access token, and the node app.whatsapp (send a text,
media or template message from a business phone number)."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.whatsapp import cloud_api, node
from integrations.whatsapp.credentials import CloudApi

SERVICE = Service(
    name="whatsapp",
    label="WhatsApp",
    kinds=(CredentialKind(CloudApi, test=cloud_api.check_account),),
    node=node.NODE,
)
