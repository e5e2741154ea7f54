"""ERPNext (DESIGN §11): an API key and secret on a site, and the node app.erpnext."""

from __future__ import annotations

from integrations.erpnext import frappe_api, node
from integrations.erpnext.credentials import ApiKey
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="erpnext",
    label="ERPNext",
    kinds=(CredentialKind(ApiKey, test=frappe_api.check_key),),
    node=node.NODE,
)
