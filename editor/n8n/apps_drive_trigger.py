"""n8n's Google Drive Trigger as trigger.poll with the `google_drive` source
(integrations/google_drive/new_files.py): files or folders created or changed in a folder, or
anywhere the account sees, with n8n's file type filter and poll schedule.

n8n started one run with all the files new since its last poll; WorkFuse starts one run per
file (the file as `trigger`, as n8n's items read `$json`). A file's id is the id for creations,
its id and modifiedTime for changes (`change_id`)."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, text
from editor.n8n.apps_google import _interval
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

CREDENTIAL = credential_note(
    "Google service account key", "share the watched folder with the service account's email"
)
EVENTS = {
    "fileCreated": "file_created",
    "fileUpdated": "file_updated",
    "folderCreated": "folder_created",
    "folderUpdated": "folder_updated",
}


def _drive_trigger(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    on = str(p.get("triggerOn") or "specificFile")
    event = str(p.get("event") or "fileUpdated")
    if on not in ("specificFolder", "anyFileFolder"):
        raise Refusal(
            f"watches '{on}'; WorkFuse's Google Drive poll watches a folder or every file "
            "(specificFolder, anyFileFolder)."
        )
    if event not in EVENTS:
        raise Refusal(
            f"starts on '{event}'; WorkFuse's Google Drive poll starts on {', '.join(EVENTS)}."
        )
    notes = [
        CREDENTIAL,
        "n8n started one run with all the new files; WorkFuse starts one run per file.",
    ]
    config: dict[str, Any] = {"source": "google_drive", "drive_event": EVENTS[event]}
    if on == "specificFolder":
        folder = text(cx, node, p.get("folderToWatch"))
        if folder in ("", None):
            raise Refusal("watches a folder but names none; choose it in n8n and export again.")
        config["drive_folder_id"] = folder
    else:
        notes.append(
            "n8n watched every file the connected user sees; the service account sees only "
            "what is shared with it."
        )
    options = p.get("options") or {}
    extra = sorted(set(options) - {"fileType"})
    if extra:
        raise Refusal(f"filters with the option(s) {', '.join(extra)}, which WorkFuse lacks.")
    file_type = str(options.get("fileType") or "all")
    if file_type != "all":
        if event.startswith("folder"):
            raise Refusal("filters folders by a file type.")
        config["drive_file_type"] = file_type
    config["id_field"] = "change_id"
    config["interval_seconds"] = _interval(p.get("pollTimes"), notes)
    return Converted("trigger.poll", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}googleDriveTrigger": Spec(_drive_trigger, "trigger")}
