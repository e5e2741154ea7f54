"""n8n's Dropbox node as WorkFuse's `app.dropbox`: every operation of its three resources
(files: upload, download, copy, move, delete; folders: create, list, copy, move, delete;
search). Paths carry over as they are.

A folder listing and a search emit one n8n item per entry; WorkFuse lists them under `entries`
and `matches` in n8n's own shapes, so the nodes after them run once per entry as in n8n. A
download passes its input item's json on in n8n, so `$json` after it still reads that item; the
file is the output's `file`, found by the binary property n8n put it in."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

CREDENTIAL = credential_note(
    "Dropbox OAuth2", "an app's key and secret and a refresh token a user granted it"
)
DEFAULTS = {"file": "upload", "folder": "create", "search": "query"}
SUPPORTED = "it uploads, downloads, lists, searches, creates, copies, moves and deletes"
MAX_RESULTS = 2000
MOVES = {"copy": "copy", "move": "move", "delete": "delete"}
LIST_FILTERS = (
    "include_deleted",
    "recursive",
    "include_mounted_folders",
    "include_non_downloadable_files",
)


def _path(cx: Converter, node: N8nNode, param: str = "path", what: str = "path") -> Any:
    found = text(cx, node, node.params.get(param))
    if found in ("", None):
        raise Refusal(f"has no {what}; set it in n8n and export again.")
    return found


def _limit(node: N8nNode, notes: list[str], what: str) -> int:
    p = node.params
    if p.get("returnAll"):
        notes.append(
            f"n8n returned every {what}; WorkFuse returns at most {MAX_RESULTS} (has_more says "
            "when there were more)."
        )
        return MAX_RESULTS
    limit = p.get("limit", 100)
    if not isinstance(limit, int | float):
        raise Refusal(f"sets its limit with an expression ({limit}); set a number in n8n.")
    return min(max(int(limit), 1), MAX_RESULTS)


def _upload(cx: Converter, node: N8nNode) -> dict[str, Any]:
    p = node.params
    config: dict[str, Any] = {"operation": "upload", "path": _path(cx, node)}
    if p.get("binaryData"):
        config["file"] = cx.file_ref(node, p.get("binaryPropertyName") or "data")
    else:
        config["content"] = text(cx, node, p.get("fileContent", ""))
    return config


def _list(cx: Converter, node: N8nNode, notes: list[str]) -> dict[str, Any]:
    p = node.params
    config: dict[str, Any] = {
        "operation": "list_folder",
        "path": text(cx, node, p.get("path", "")),
        "limit": _limit(node, notes, "entry"),
    }
    filters = dict(p.get("filters") or {})
    if filters.pop("include_has_explicit_shared_members", False):
        raise Refusal(
            "lists with Include Shared Members, which WorkFuse's Dropbox node does not ask for; "
            "remove that filter in n8n."
        )
    for name in LIST_FILTERS:
        if name in filters:
            config[name] = bool(filters.pop(name))
    return config


def _search(cx: Converter, node: N8nNode, notes: list[str]) -> dict[str, Any]:
    p = node.params
    config: dict[str, Any] = {
        "operation": "search",
        "query": _path(cx, node, "query", "query"),
        "limit": _limit(node, notes, "match"),
        "simplify": p.get("simple", True) is not False,
    }
    filters = p.get("filters") or {}
    if filters.get("path"):
        config["path"] = text(cx, node, filters["path"])
    if filters.get("file_categories"):
        config["file_categories"] = [str(c) for c in filters["file_categories"]]
    if filters.get("file_extensions"):
        config["file_extensions"] = text(cx, node, filters["file_extensions"])
    return config


def _dropbox(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "file", DEFAULTS)
    notes = [CREDENTIAL]
    if resource == "file" and op == "upload":
        config = _upload(cx, node)
    elif resource == "file" and op == "download":
        config = {"operation": "download", "path": _path(cx, node)}
    elif resource == "folder" and op == "create":
        config = {"operation": "create_folder", "path": _path(cx, node)}
    elif resource == "folder" and op == "list":
        config = _list(cx, node, notes)
    elif resource == "search" and op == "query":
        config = _search(cx, node, notes)
    elif resource in ("file", "folder") and op in MOVES:
        config = {"operation": MOVES[op], "path": _path(cx, node)}
        if op != "delete":
            config["to_path"] = _path(cx, node, "toPath", "destination path (To Path)")
    else:
        raise unsupported("Dropbox", resource, op, SUPPORTED)
    return Converted("app.dropbox", config, notes=notes)


def _download_property(node: N8nNode) -> str:
    return str(node.params.get("binaryPropertyName") or "data")


def _spec(node: N8nNode, cx: Converter) -> Spec:
    spec = dataclasses.replace(SPECS[f"{BASE}dropbox"], per_node=None)
    resource, op = operation(node, "file", DEFAULTS)
    if (resource, op) == ("folder", "list"):
        return dataclasses.replace(spec, items="entries")
    if (resource, op) == ("search", "query"):
        return dataclasses.replace(spec, items="matches")
    if (resource, op) == ("file", "download"):
        made = ((_download_property(node), f"nodes.{node.id}.file"),)
        return dataclasses.replace(spec, data=None, binary=made)
    return spec


SPECS: dict[str, Spec] = {f"{BASE}dropbox": Spec(_dropbox, "", per_node=_spec)}
