"""Notion (DESIGN §11): an integration token, and the node app.notion."""

from __future__ import annotations

from integrations.notion import new_pages, node, rest_api
from integrations.notion.credentials import IntegrationToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="notion",
    label="Notion",
    kinds=(CredentialKind(IntegrationToken, test=rest_api.check_token),),
    node=node.NODE,
    # --- work: trigger.poll's notion source (n8n's Notion Trigger) ---
    poll=new_pages.poll_pages,
    # --- end work ---
)
