"""n8n's Google Docs node (versions 1 and 2) as WorkFuse's `app.google_docs`: create, get
(simplified to the body's text or whole) and update with text actions (insert, find and
replace). Its other update objects (headers, footers, tables, bullets, named ranges, page
breaks, positioned objects) and write control are refused by name.

WorkFuse reaches Google as a service account (the Google Sheets credential), where n8n offered
OAuth as well: documents and folders must be shared with the account."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import operation, text, unsupported
from editor.n8n.apps_drive import CREDENTIAL, ROOT_NOTE
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, gets and updates documents"
# n8n's "no folder" and its drives that mean the connected user's own drive.
NO_FOLDER = ("", "default", "root")
OWN_DRIVES = ("", "myDrive", "sharedWithMe")
DEFAULT_ACTIONS = [{"object": "text", "action": "insert", "text": ""}]


def _document(cx: Converter, node: N8nNode) -> Any:
    found = text(cx, node, node.params.get("documentURL"))
    if found in ("", None):
        raise Refusal("names no document (Doc ID or URL); set it in n8n and export again.")
    return found


def _create(cx: Converter, node: N8nNode, notes: list[str]) -> dict[str, Any]:
    p = node.params
    title = text(cx, node, p.get("title"))
    if title in ("", None):
        raise Refusal("creates a document without a title; set one in n8n.")
    config: dict[str, Any] = {"operation": "create", "title": title}
    folder = text(cx, node, p.get("folderId", ""))
    drive = text(cx, node, p.get("driveId", "myDrive"))
    if folder not in NO_FOLDER:
        config["folder_id"] = folder
    elif drive not in OWN_DRIVES:
        config["folder_id"] = drive  # a shared drive's top
    else:
        notes.append(ROOT_NOTE)
    return config


def _action(cx: Converter, node: N8nNode, field: dict[str, Any]) -> dict[str, Any]:
    kind, action = str(field.get("object") or "text"), str(field.get("action") or "")
    if kind != "text" or action not in ("insert", "replaceAll"):
        raise Refusal(
            f"updates with the action '{action or '(none)'} {kind}', which WorkFuse's Google "
            "Docs node lacks (it inserts and replaces text); replace it in n8n (an HTTP Request "
            "node can call documents.batchUpdate) and export again."
        )
    if action == "replaceAll":
        return {
            "action": "replace_all_text",
            "text": text(cx, node, field.get("text", "")),
            "replace_text": text(cx, node, field.get("replaceText", "")),
            "match_case": bool(field.get("matchCase", False)),
        }
    made: dict[str, Any] = {"action": "insert_text", "text": text(cx, node, field.get("text", ""))}
    if field.get("locationChoice") == "location":
        index = field.get("index", 0)
        if not isinstance(index, int):
            raise Refusal(f"inserts text at an index given by an expression ({index}).")
        made["index"] = index
    if field.get("insertSegment", "body") != "body":
        made["segment_id"] = text(cx, node, field.get("segmentId", ""))
    return made


def _update(cx: Converter, node: N8nNode) -> dict[str, Any]:
    p = node.params
    if (p.get("updateFields") or {}).get("writeControlObject"):
        raise Refusal(
            "updates with write control (a revision id), which WorkFuse's Google Docs node does "
            "not send; remove it in n8n."
        )
    fields = (p.get("actionsUi") or {"actionFields": DEFAULT_ACTIONS}).get("actionFields") or []
    actions = [_action(cx, node, f) for f in fields if isinstance(f, dict)]
    if not actions:
        raise Refusal("updates the document with no action; add one in n8n.")
    return {
        "operation": "update",
        "document_id": _document(cx, node),
        "simplify": p.get("simple", True) is not False,
        "actions": actions,
    }


def _docs(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "document", {"document": "create"})
    notes = [CREDENTIAL]
    if resource != "document" or op not in ("create", "get", "update"):
        raise unsupported("Google Docs", resource, op, SUPPORTED)
    if op == "create":
        config = _create(cx, node, notes)
    elif op == "get":
        config = {
            "operation": "get",
            "document_id": _document(cx, node),
            "simplify": node.params.get("simple", True) is not False,
        }
    else:
        config = _update(cx, node)
    return Converted("app.google_docs", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}googleDocs": Spec(_docs, "")}
