"""Google Analytics (GA4, DESIGN §11): the node app.google_analytics, reports from the Analytics
Data API with the same service-account key credential as Google Sheets (one kind,
`google_sheets`; the token asks for Analytics' read-only scope)."""

from __future__ import annotations

from integrations.google_analytics import node
from integrations.google_sheets import SERVICE as SHEETS
from integrations.service import Service

SERVICE = Service(
    name="google_analytics",
    label="Google Analytics",
    kinds=SHEETS.kinds,
    node=node.NODE,
)
