"""n8n's ERPNext node (version 1) as WorkFuse's `app.erpnext`: documents created (n8n's
default), got, updated, deleted and listed. n8n's pick list stores the DocType URL-encoded
("Job%20Applicant"); the import decodes it, and WorkFuse encodes it when it calls."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import unquote

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, gets, updates, deletes and lists documents"
OPERATIONS = {
    "create": "create_document",
    "get": "get_document",
    "update": "update_document",
    "delete": "delete_document",
    "getAll": "list_documents",
}
OPERATORS = {
    "is": "=",
    "isNot": "!=",
    "greater": ">",
    "less": "<",
    "equalsGreater": ">=",
    "equalsLess": "<=",
    "like": "like",
}
LIMIT, MAX_RESULTS = 10, 5000


def _doc_type(node: N8nNode, cx: Converter) -> Any:
    value = text(cx, node, node.params.get("docType"))
    if value in ("", None):
        raise Refusal("names no DocType; choose one in n8n and export again.")
    return unquote(value) if isinstance(value, str) and "{{" not in value else value


def _properties(node: N8nNode, cx: Converter, op: str) -> dict[str, Any]:
    pairs = (node.params.get("properties") or {}).get("customProperty") or []
    properties = {
        str(p["field"]): text(cx, node, p.get("value", "")) for p in pairs if p.get("field")
    }
    if not properties:
        raise Refusal(
            f"{op}s a document with no Properties (n8n fails on it too); add a property in "
            "n8n and export again."
        )
    return properties


def _list(node: N8nNode, cx: Converter, config: dict[str, Any], notes: list[str]) -> None:
    p = node.params
    options = dict(p.get("options") or {})
    fields = options.get("fields")
    if fields:
        config["fields"] = [text(cx, node, f) for f in fields]
    filters = []
    for f in (options.get("filters") or {}).get("customProperty") or []:
        op = OPERATORS.get(str(f.get("operator") or "is"))
        if op is None:
            raise Refusal(f"filters with the operator {f.get('operator')!r}, which ERPNext lacks.")
        filters.append([text(cx, node, f.get("field", "")), op, text(cx, node, f.get("value", ""))])
    if filters:
        config["filters"] = filters
    if p.get("returnAll"):
        config["max_results"] = MAX_RESULTS
        notes.append(f"n8n read every document; WorkFuse reads at most {MAX_RESULTS}.")
    else:
        limit = p.get("limit")
        config["max_results"] = min(max(limit if isinstance(limit, int) else LIMIT, 1), MAX_RESULTS)


def _erpnext(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "document", {"document": "create"})
    if resource != "document" or op not in OPERATIONS:
        raise unsupported("ERPNext", resource, op, SUPPORTED)
    config: dict[str, Any] = {"operation": OPERATIONS[op], "doc_type": _doc_type(node, cx)}
    notes = [credential_note("ERPNext", "an API key and secret, and the site's address")]
    if op in ("get", "update", "delete"):
        name = text(cx, node, node.params.get("documentName"))
        if name in ("", None):
            raise Refusal("names no Document Name; set it in n8n and export again.")
        config["document_name"] = name
    if op in ("create", "update"):
        config["properties"] = _properties(node, cx, op)
    if op == "getAll":
        _list(node, cx, config, notes)
    return Converted("app.erpnext", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    many = (
        "documents" if operation(node, "document", {"document": "create"})[1] == "getAll" else None
    )
    return dataclasses.replace(SPECS[f"{BASE}erpNext"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}erpNext": Spec(_erpnext, "", per_node=_spec)}
