"""Google Docs (DESIGN §11): the node app.google_docs, with the same service-account key
credential as Google Sheets, Drive and Calendar (one kind, `google_sheets`: a user connecting
several Google services pastes the key once; the token asks for the Docs scope)."""

from __future__ import annotations

from integrations.google_docs import node
from integrations.google_sheets import SERVICE as SHEETS
from integrations.service import Service

SERVICE = Service(name="google_docs", label="Google Docs", kinds=SHEETS.kinds, node=node.NODE)
