"""Google BigQuery (DESIGN §11): the node app.google_bigquery (a query run, rows streamed into
a table), with the same service-account key credential as Google Sheets (one kind,
`google_sheets`; the token asks for BigQuery's scope). The key's service account needs the
BigQuery roles on the project (Job User to query, Data Editor to insert)."""

from __future__ import annotations

from integrations.google_bigquery import node
from integrations.google_sheets import SERVICE as SHEETS
from integrations.service import Service

SERVICE = Service(
    name="google_bigquery",
    label="Google BigQuery",
    kinds=SHEETS.kinds,
    node=node.NODE,
)
