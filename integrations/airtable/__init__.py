"""Airtable (DESIGN §11): a personal access token, and the node app.airtable."""

from __future__ import annotations

from integrations.airtable import new_records, node, web_api
from integrations.airtable.credentials import AccessToken
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="airtable",
    label="Airtable",
    kinds=(CredentialKind(AccessToken, test=web_api.check_token),),
    node=node.NODE,
    # --- airtable2: trigger.poll's airtable source (n8n's Airtable Trigger) ---
    poll=new_records.poll_records,
    # --- end airtable2 ---
)
