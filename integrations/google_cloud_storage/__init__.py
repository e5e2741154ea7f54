"""Google Cloud Storage (DESIGN §11): the node app.google_cloud_storage (a bucket's objects
listed, an object's metadata read, an object deleted), with the same service-account key
credential as Google Sheets (one kind, `google_sheets`; the token asks for Cloud Storage's
read-write scope). The key's service account needs a Storage role on the bucket."""

from __future__ import annotations

from integrations.google_cloud_storage import node
from integrations.google_sheets import SERVICE as SHEETS
from integrations.service import Service

SERVICE = Service(
    name="google_cloud_storage",
    label="Google Cloud Storage",
    kinds=SHEETS.kinds,
    node=node.NODE,
)
