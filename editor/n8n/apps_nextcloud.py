"""n8n's Nextcloud node (version 1) as WorkFuse's `app.nextcloud`: files uploaded (from binary
data or text), downloaded, copied, moved and deleted; folders created, listed, copied, moved and
deleted. Paths carry over as they are (below the user's WebDAV root).

A folder listing emits one n8n item per entry; WorkFuse lists them under `entries` in n8n's
shape, so the nodes after it run once per entry as in n8n. A download passes its input item's
json on in n8n, so `$json` after it still reads that item; the file is the output's `file`,
under the binary property n8n put it in."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it uploads, downloads, copies, moves and deletes files and creates, lists, copies, moves "
    "and deletes folders; sharing and users do not import"
)
DEFAULTS = {"file": "upload", "folder": "create"}
BOTH = {"copy": "copy", "move": "move", "delete": "delete"}


def _path(cx: Converter, node: N8nNode, name: str = "path", label: str = "path") -> Any:
    value = text(cx, node, node.params.get(name))
    if value in ("", None):
        raise Refusal(f"names no {label}; set it in n8n and export again.")
    return value


def _nextcloud(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "file", DEFAULTS)
    p = node.params
    notes = [credential_note("Nextcloud", "the WebDAV address, a user name and an app password")]
    if p.get("authentication") == "oAuth2":
        notes.append("n8n signed in to Nextcloud with OAuth2; WorkFuse uses an app password.")
    config: dict[str, Any]
    if (resource, op) == ("file", "upload"):
        config = {"operation": "upload", "path": _path(cx, node)}
        if p.get("binaryDataUpload"):
            config["file"] = cx.file_ref(node, p.get("binaryPropertyName") or "data")
        else:
            config["content"] = text(cx, node, p.get("fileContent", ""))
    elif (resource, op) == ("file", "download"):
        config = {"operation": "download", "path": _path(cx, node)}
    elif (resource, op) == ("folder", "create"):
        config = {"operation": "create_folder", "path": _path(cx, node)}
    elif (resource, op) == ("folder", "list"):
        config = {"operation": "list_folder", "path": text(cx, node, p.get("path", ""))}
    elif resource in ("file", "folder") and op in BOTH:
        config = {"operation": BOTH[op], "path": _path(cx, node)}
        if op != "delete":
            config["to_path"] = _path(cx, node, "toPath", "destination path (To Path)")
    else:
        raise unsupported("Nextcloud", resource, op, SUPPORTED)
    return Converted("app.nextcloud", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    spec = dataclasses.replace(SPECS[f"{BASE}nextCloud"], per_node=None)
    resource, op = operation(node, "file", DEFAULTS)
    if (resource, op) == ("folder", "list"):
        return dataclasses.replace(spec, items="entries")
    if (resource, op) == ("file", "download"):
        made = ((str(node.params.get("binaryPropertyName") or "data"), f"nodes.{node.id}.file"),)
        return dataclasses.replace(spec, data=None, binary=made)
    return spec


SPECS: dict[str, Spec] = {f"{BASE}nextCloud": Spec(_nextcloud, "", per_node=_spec)}
