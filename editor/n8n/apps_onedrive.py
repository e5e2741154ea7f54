"""n8n's Microsoft OneDrive node as WorkFuse's `app.onedrive`: files uploaded, downloaded, read,
searched and deleted; folders' children listed, folders created and deleted. Copy, rename, share
and the folder search are refused by name.

A listing and a search emit one n8n item per driveItem; WorkFuse lists them under `items`, so
the nodes after them run once per item as in n8n. A download passes its input item's json on in
n8n; the file is the output's `file`, found by the binary property n8n put it in."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

CREDENTIAL = credential_note(
    "Microsoft OneDrive OAuth2", "an app registration and a refresh token with Files.ReadWrite.All"
)
DEFAULTS = {"file": "upload", "folder": "getChildren"}
SUPPORTED = (
    "it uploads, downloads, gets, searches and deletes files, lists folders' children, creates "
    "and deletes folders"
)
BY_ITEM = {"download": "download", "get": "get", "delete": "delete"}


def _id(cx: Converter, node: N8nNode, param: str, what: str) -> Any:
    found = text(cx, node, node.params.get(param))
    if found in ("", None):
        raise Refusal(f"names no {what}; set it in n8n and export again.")
    return found


def _upload(cx: Converter, node: N8nNode, notes: list[str]) -> dict[str, Any]:
    p = node.params
    config: dict[str, Any] = {
        "operation": "upload",
        "folder_id": _id(cx, node, "parentId", "parent folder (Parent ID)"),
    }
    if p.get("binaryData"):
        config["file"] = cx.file_ref(node, p.get("binaryPropertyName") or "data")
        if p.get("fileName"):
            notes.append(
                "n8n saved the file under its own name when it had one and used File Name "
                "otherwise; WorkFuse does the same, so File Name was left out."
            )
        return config
    config["file_name"] = _id(cx, node, "fileName", "file name")
    config["content"] = text(cx, node, p.get("fileContent", ""))
    return config


def _onedrive(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "file", DEFAULTS)
    notes = [CREDENTIAL]
    p = node.params
    if resource == "file" and op == "upload":
        config = _upload(cx, node, notes)
    elif resource == "file" and op in BY_ITEM:
        config = {"operation": BY_ITEM[op], "item_id": _id(cx, node, "fileId", "file (File ID)")}
    elif resource == "file" and op == "search":
        config = {"operation": "search", "query": _id(cx, node, "query", "query")}
    elif resource == "folder" and op == "getChildren":
        config = {"operation": "list_folder", "folder_id": text(cx, node, p.get("folderId", ""))}
    elif resource == "folder" and op == "delete":
        config = {"operation": "delete", "item_id": _id(cx, node, "folderId", "folder (Folder ID)")}
    elif resource == "folder" and op == "create":
        config = {"operation": "create_folder", "name": _id(cx, node, "name", "folder name")}
        parent = (p.get("options") or {}).get("parentFolderId")
        if parent:
            config["folder_id"] = text(cx, node, parent)
    else:
        raise unsupported("Microsoft OneDrive", resource, op, SUPPORTED)
    if config["operation"] in ("list_folder", "search"):
        notes.append("n8n returned every item; WorkFuse returns at most 1000 (has_more says so).")
    return Converted("app.onedrive", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    spec = dataclasses.replace(SPECS[f"{BASE}microsoftOneDrive"], per_node=None)
    resource, op = operation(node, "file", DEFAULTS)
    if (resource, op) in (("folder", "getChildren"), ("file", "search")):
        return dataclasses.replace(spec, items="items")
    if (resource, op) == ("file", "download"):
        prop = str(node.params.get("binaryPropertyName") or "data")
        return dataclasses.replace(spec, data=None, binary=((prop, f"nodes.{node.id}.file"),))
    return spec


SPECS: dict[str, Spec] = {f"{BASE}microsoftOneDrive": Spec(_onedrive, "", per_node=_spec)}
