"""Google Drive (DESIGN §11): the node app.google_drive, with the same service-account key
credential as Google Sheets (one kind, `google_sheets`: a user connecting both pastes the key
once; the token asks for each service's scope)."""

from __future__ import annotations

from integrations.google_drive import new_files, node
from integrations.google_sheets import SERVICE as SHEETS
from integrations.service import Service

SERVICE = Service(
    name="google_drive",
    label="Google Drive",
    kinds=SHEETS.kinds,
    node=node.NODE,
    # --- gfamily: trigger.poll's google_drive source ---
    poll=new_files.poll_files,
    # --- end gfamily ---
)
