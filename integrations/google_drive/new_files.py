"""trigger.poll's `google_drive` source: the files (or folders) created or changed in a Drive
folder, or anywhere the service account sees, newest first, as n8n's Google Drive Trigger lists
them (docs/triggers.md, "Polling").

Each item is the file as Drive describes it (every field), with `change_id`, the id the poll
remembers: the file's id when watching for new files, its id and `modifiedTime` when watching
for changes (each change is new then; a new file is a change too, as in n8n). One poll reads at
most `POLL_MAX` files: a folder receiving more between two polls has the older ones skipped.
"""

from __future__ import annotations

from typing import Any

from integrations.google_drive import drive_api
from integrations.google_drive.node import id_of
from workfuse.lib.node_run import NodeError, Secret

POLL_MAX = 100
EVENTS = ("file_created", "file_updated", "folder_created", "folder_updated")


def _quoted(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def query(settings: dict[str, Any]) -> str:
    """The Drive `q`: the folder, files or folders, the file type, not in the trash."""
    event = str(settings.get("drive_event") or "file_created")
    if event not in EVENTS:
        raise NodeError(f"The Google Drive event must be one of {', '.join(EVENTS)}.")
    parts: list[str] = []
    folder = id_of(str(settings.get("drive_folder_id") or ""))
    if folder:
        parts.append(f"{_quoted(folder)} in parents")
    if event.startswith("folder"):
        parts.append(f"mimeType = '{drive_api.FOLDER}'")
    else:
        parts.append(f"mimeType != '{drive_api.FOLDER}'")
        file_type = str(settings.get("drive_file_type") or "").strip()
        if file_type and file_type != "all":
            parts.append(f"mimeType = {_quoted(file_type)}")
    parts.append("trashed = false")
    return " and ".join(parts)


def poll_files(secret: Secret, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The newest files matching the settings, each with its `change_id`. Raises NodeError."""
    created = str(settings.get("drive_event") or "file_created").endswith("_created")
    answer = drive_api.call(
        secret,
        "GET",
        "/drive/v3/files",
        "files.list",
        params={
            "q": query(settings),
            "orderBy": "createdTime desc" if created else "modifiedTime desc",
            "fields": "files(*)",
            "pageSize": POLL_MAX,
            "includeItemsFromAllDrives": "true",
            "corpora": "allDrives",
        },
    )
    items: list[dict[str, Any]] = []
    for found in answer.get("files") or []:
        if not isinstance(found, dict) or not found.get("id"):
            continue
        change = str(found["id"]) if created else f"{found['id']}@{found.get('modifiedTime', '')}"
        items.append({**found, "change_id": change})
    return items[:POLL_MAX]
