"""Google Sheets (DESIGN §11): a service-account key, and the node app.google_sheets."""

from __future__ import annotations

from integrations.google_sheets import new_rows, node, sheets_api
from integrations.google_sheets.credentials import ServiceAccountKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="google_sheets",
    label="Google Sheets",
    kinds=(CredentialKind(ServiceAccountKey, test=sheets_api.check_key),),
    node=node.NODE,
    poll=new_rows.poll_rows,
)
