"""Google Firebase Realtime Database (DESIGN §11): the node app.google_firebase_database (a
path's data read, written, pushed to, updated, deleted over the database's REST API), with the
same service-account key credential as Google Sheets (one kind, `google_sheets`; the token asks
for the Firebase database scopes). The key's service account needs access to the database."""

from __future__ import annotations

from integrations.google_firebase_database import node
from integrations.google_sheets import SERVICE as SHEETS
from integrations.service import Service

SERVICE = Service(
    name="google_firebase_database",
    label="Google Firebase Realtime Database",
    kinds=SHEETS.kinds,
    node=node.NODE,
)
