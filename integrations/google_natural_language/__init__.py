"""Google Cloud Natural Language (DESIGN §11): the node app.google_natural_language (sentiment,
entities and categories of a text), with the same service-account key credential as Google
Sheets, Drive and Docs (one kind, `google_sheets`; the token asks for the Natural Language
scope). The key's project must have the Cloud Natural Language API enabled."""

from __future__ import annotations

from integrations.google_natural_language import node
from integrations.google_sheets import SERVICE as SHEETS
from integrations.service import Service

SERVICE = Service(
    name="google_natural_language",
    label="Google Cloud Natural Language",
    kinds=SHEETS.kinds,
    node=node.NODE,
)
