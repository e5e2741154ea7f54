"""uProc (DESIGN §11): an account's email and API key, and the node app.uproc (any of uProc's
data tools: screenshots, company lookups, email and phone checks, …)."""

from __future__ import annotations

from integrations.service import CredentialKind, Service
from integrations.uproc import node, process_api
from integrations.uproc.credentials import UprocKey

SERVICE = Service(
    name="uproc",
    label="uProc",
    kinds=(CredentialKind(UprocKey, test=process_api.check),),
    node=node.NODE,
)
