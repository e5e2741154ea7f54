"""n8n's Google Drive node as `app.google_drive`: version 3 (n8n's rewritten node: file, folder
and file/folder-search resources) and the download and upload of versions 1 and 2.

WorkFuse reaches Drive as a service account (the Google Sheets credential), where n8n mostly
used OAuth: files and folders must be shared with the account, and "My Drive" is the account's
own drive, not the user's. Drive's JSON is output as it is, so `$json.id`, `$json.name` and
`$json.webViewLink` read the same; a search emits one n8n item per file, WorkFuse lists them under
`files`; a download passes its input item's json on in n8n, so `$json` after it still reads that
item (the file itself is the output's `file`)."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

DRIVE_OPS = (
    "it searches, downloads, uploads, creates from text, updates, copies, moves, deletes and "
    "shares files, and creates folders"
)
CREDENTIAL = credential_note(
    "Google service account key", "share the files and folders with the service account's email"
)
MY_DRIVE = "My Drive"  # n8n's "drive" locator for the user's own drive
ROOT = "root"  # n8n's "folder" locator for a drive's top
MAX_RESULTS = 1000
EXPORT_FIELDS = {
    "docsToFormat": "docs_format",
    "sheetsToFormat": "sheets_format",
    "slidesToFormat": "slides_format",
    "drawingsToFormat": "drawings_format",
}
ROOT_NOTE = (
    "n8n's top of My Drive was the connected user's; a service account's My Drive is its own "
    "and no one else sees it: choose a folder shared with the account (folder_id)."
)


def _binary_upload(cx: Converter, node: N8nNode, field: str) -> Any:
    """The template of the file value an n8n item carries in binary `field` (what an upload
    sends): `Converter.file_ref`, which refuses, naming the node, when no step before it makes
    that file."""
    return cx.file_ref(node, field)


def _locator(cx: Converter, node: N8nNode, value: Any, what: str) -> Any:
    """A resource locator's (or a plain parameter's) value as config: an id, a URL (read at run
    time) or a template; Refusal naming `what` when it is empty."""
    found = text(cx, node, value)
    if found in ("", None):
        raise Refusal(f"has no {what}; choose one in n8n and export again.")
    return found


def _parent(cx: Converter, node: N8nNode, p: dict[str, Any], notes: list[str]) -> Any:
    """Where a new file goes: n8n's folder, or the shared drive's top when the folder is the
    drive's root; "" (the account's My Drive) for My Drive's root, with a note."""
    folder = text(cx, node, p.get("folderId")) if p.get("folderId") is not None else ROOT
    drive = text(cx, node, p.get("driveId")) if p.get("driveId") is not None else MY_DRIVE
    if folder not in (ROOT, ""):
        return folder
    if drive not in (MY_DRIVE, ""):
        return drive
    notes.append(ROOT_NOTE)
    return ""


def _search(cx: Converter, node: N8nNode, notes: list[str]) -> dict[str, Any]:
    p = node.params
    method = str(p.get("searchMethod") or "name")
    config: dict[str, Any] = {
        "operation": "search",
        "search_method": "query" if method == "query" else "name",
        "query": text(cx, node, p.get("queryString", "")),
    }
    filters = p.get("filter") or {}
    # n8n leaves trashed files in unless a filter is set: then it adds `trashed = false`.
    config["include_trashed"] = bool(filters.get("includeTrashed")) if filters else True
    folder = text(cx, node, filters.get("folderId")) if filters.get("folderId") else ROOT
    if folder not in (ROOT, ""):
        config["folder_id"] = folder
    drive = text(cx, node, filters.get("driveId")) if filters.get("driveId") else MY_DRIVE
    if drive not in (MY_DRIVE, ""):
        config["drive_id"] = drive
    what = str(filters.get("whatToSearch") or "all")
    if what not in ("all", "files", "folders"):
        raise Refusal(f"searches for '{what}'; WorkFuse searches files, folders or all.")
    config["what"] = what
    types = [str(t) for t in filters.get("fileTypes") or [] if t != "*"]
    if types and what != "folders":
        config["file_types"] = types
    fields = (p.get("options") or {}).get("fields")
    if fields:
        config["fields"] = ", ".join(map(str, fields))
    if p.get("returnAll"):
        config["limit"] = MAX_RESULTS
        notes.append(
            f"n8n listed every match; WorkFuse lists at most {MAX_RESULTS} (truncated says when "
            "there were more)."
        )
    else:
        config["limit"] = min(max(int(p.get("limit") or 50), 1), MAX_RESULTS)
    notes.append(
        "n8n searched the connected user's drives; the service account sees only what is "
        "shared with it (and its own drive)."
    )
    return config


def _download(cx: Converter, node: N8nNode, notes: list[str]) -> dict[str, Any]:
    p = node.params
    options = p.get("options") or {}
    config: dict[str, Any] = {
        "operation": "download",
        "file_id": _locator(cx, node, p.get("fileId"), "file"),
    }
    conversion = (options.get("googleFileConversion") or {}).get("conversion") or {}
    for n8n_name, field in EXPORT_FIELDS.items():
        if n8n_name in conversion:
            chosen = conversion[n8n_name]
            if not isinstance(chosen, str) or chosen.startswith("="):
                raise Refusal(
                    f"exports Google files to a format given by an expression ({n8n_name})."
                )
            config[field] = chosen
    if options.get("fileName"):
        config["file_name"] = text(cx, node, options["fileName"])
    notes.append(
        f"n8n put the file in the item's binary property '{_download_property(node)}'; WorkFuse "
        "outputs it as file ({filename, content_type, size, content}), which the nodes after it "
        "read from that property."
    )
    return config


def _share(cx: Converter, node: N8nNode) -> dict[str, Any]:
    p = node.params
    values = (p.get("permissionsUi") or {}).get("permissionsValues") or {}
    options = p.get("options") or {}
    config: dict[str, Any] = {
        "operation": "share",
        "file_id": _locator(cx, node, p.get("fileId"), "file"),
        "role": str(values.get("role") or "reader"),
        "grantee": str(values.get("type") or "user"),
    }
    if values.get("emailAddress"):
        config["email_address"] = text(cx, node, values["emailAddress"])
    if values.get("domain"):
        config["domain"] = text(cx, node, values["domain"])
    if values.get("allowFileDiscovery"):
        config["allow_file_discovery"] = True
    if options.get("sendNotificationEmail") is False:
        config["send_notification"] = False
    if options.get("emailMessage"):
        config["email_message"] = text(cx, node, options["emailMessage"])
    extra = sorted(set(options) - {"sendNotificationEmail", "emailMessage", "transferOwnership"})
    if extra:
        raise Refusal(
            f"shares with the option(s) {', '.join(extra)}, which WorkFuse's share lacks."
        )
    return config


def _file_op(cx: Converter, node: N8nNode, op: str, notes: list[str]) -> dict[str, Any]:
    p = node.params
    options = p.get("options") or {}
    if op == "download":
        return _download(cx, node, notes)
    if op == "share":
        return _share(cx, node)
    if op == "upload":
        field = str(p.get("inputDataFieldName") or "data")
        config = {"operation": "upload", "file": _binary_upload(cx, node, field)}
        if p.get("name"):
            config["name"] = text(cx, node, p["name"])
        config["folder_id"] = _parent(cx, node, p, notes)
        return config
    if op == "createFromText":
        config = {
            "operation": "create_from_text",
            "name": text(cx, node, p.get("name") or "Untitled"),
            "content": text(cx, node, p.get("content", "")),
            "folder_id": _parent(cx, node, p, notes),
        }
        if options.get("convertToGoogleDocument"):
            config["convert_to_google_doc"] = True
        return config
    file_id = _locator(cx, node, p.get("fileId"), "file")
    if op == "deleteFile":
        return {
            "operation": "delete",
            "file_id": file_id,
            "permanently": bool(options.get("deletePermanently")),
        }
    if op == "move":
        folder = _parent(cx, node, p, notes)
        return {"operation": "move", "file_id": file_id, "folder_id": folder or ROOT}
    if op == "copy":
        config = {"operation": "copy", "file_id": file_id}
        if p.get("name"):
            config["name"] = text(cx, node, p["name"])
        if p.get("sameFolder") is False:
            config["folder_id"] = _parent(cx, node, p, notes)
        return config
    # update
    config = {"operation": "update", "file_id": file_id}
    if p.get("newUpdatedFileName"):
        config["name"] = text(cx, node, p["newUpdatedFileName"])
    if p.get("changeFileContent"):
        field = str(p.get("inputDataFieldName") or "data")
        config["file"] = _binary_upload(cx, node, field)
    if "name" not in config and "file" not in config:
        raise Refusal("updates nothing (no new name, no new content); set one in n8n.")
    if options.get("fields"):
        config["fields"] = ", ".join(map(str, options["fields"]))
    return config


def _legacy(cx: Converter, node: N8nNode, notes: list[str]) -> dict[str, Any]:
    """Versions 1 and 2: download, and upload (of binary data or of text)."""
    p = node.params
    resource, op = operation(node, "file", {"file": "upload"})
    if resource != "file" or op not in ("download", "upload"):
        raise unsupported(
            f"Google Drive (version {node.version:g})", resource, op, "it downloads and uploads"
        )
    if op == "download":
        return _download(cx, node, notes)
    parents = p.get("parents") or []
    folder = text(cx, node, parents[0]) if parents else ""
    if not folder:
        notes.append(ROOT_NOTE)
    if len(parents) > 1:
        raise Refusal("uploads into several parent folders; WorkFuse puts a file in one.")
    if p.get("binaryData"):
        field = str(p.get("binaryPropertyName") or "data")
        config = {"operation": "upload", "file": _binary_upload(cx, node, field)}
        if p.get("name"):
            config["name"] = text(cx, node, p["name"])
        return {**config, "folder_id": folder}
    return {
        "operation": "create_from_text",
        "name": text(cx, node, p.get("name") or "Untitled"),
        "content": text(cx, node, p.get("fileContent", "")),
        "folder_id": folder,
    }


def _drive(node: N8nNode, cx: Converter) -> Converted:
    notes = [CREDENTIAL]
    if node.version < 3:
        config = _legacy(cx, node, notes)
        return Converted("app.google_drive", config, notes=notes)
    resource, op = operation(
        node, "file", {"file": "upload", "fileFolder": "search", "folder": "create", "drive": ""}
    )
    file_ops = (
        "upload",
        "download",
        "createFromText",
        "update",
        "copy",
        "move",
        "deleteFile",
        "share",
    )
    if resource == "fileFolder" and op == "search":
        config = _search(cx, node, notes)
    elif resource == "folder" and op == "create":
        config = {
            "operation": "create_folder",
            "name": _locator(cx, node, node.params.get("name"), "folder name"),
            "folder_id": _parent(cx, node, node.params, notes),
        }
    elif resource == "file" and op in file_ops:
        config = _file_op(cx, node, op, notes)
    else:
        raise unsupported("Google Drive", resource, op, DRIVE_OPS)
    return Converted("app.google_drive", config, notes=notes)


def _drive_spec(node: N8nNode, cx: Converter) -> Spec:
    spec = dataclasses.replace(SPECS[f"{BASE}googleDrive"], per_node=None)
    resource, op = operation(node, "file", {"file": "upload", "fileFolder": "search"})
    if resource == "fileFolder":
        return dataclasses.replace(spec, items="files")
    if resource == "file" and op == "download":
        made = ((_download_property(node), f"nodes.{node.id}.file"),)
        return dataclasses.replace(spec, data=None, binary=made)
    return spec


def _download_property(node: N8nNode) -> str:
    """The binary property n8n put a download in ("data" unless the node names another)."""
    options = node.params.get("options") or {}
    return str(options.get("binaryPropertyName") or node.params.get("binaryPropertyName") or "data")


SPECS: dict[str, Spec] = {
    f"{BASE}googleDrive": Spec(_drive, "", per_node=_drive_spec),
}
