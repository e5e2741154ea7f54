"""n8n's Elasticsearch node (version 1) as WorkFuse's `app.elasticsearch`: documents created
(fields defined below), got (n8n's default), got many by a query, updated and deleted. n8n's
"simplify" (a document as its fields with `_id`) is WorkFuse's `simple`."""

from __future__ import annotations

import json
from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, gets, searches, updates and deletes documents"
DEFAULTS = {"document": "get"}
OPS = {
    "create": "index_document",
    "get": "get_document",
    "getAll": "search_documents",
    "update": "update_document",
    "delete": "delete_document",
}
LIMIT = 50
MAX_HITS = 10_000


def _fields(node: N8nNode, cx: Converter) -> dict[str, Any]:
    p = node.params
    if p.get("dataToSend", "defineBelow") != "defineBelow":
        raise Refusal(
            "sends its whole input item (Data to Send: Auto-Map Input Data), which WorkFuse's "
            "Elasticsearch node does not; choose Define Below for Each Column in n8n and name "
            "the fields, then export again."
        )
    pairs = (p.get("fieldsUi") or {}).get("fieldValues") or []
    fields = {
        str(f["fieldId"]): text(cx, node, f.get("fieldValue", ""))
        for f in pairs
        if f.get("fieldId")
    }
    if not fields:
        raise Refusal("sends no fields; add one in n8n (Fields to Send) and export again.")
    return fields


def _query(node: N8nNode, raw: Any) -> dict[str, Any] | None:
    """n8n's Query option: the search body as JSON text; WorkFuse keeps its `query`."""
    if raw in (None, ""):
        return None
    try:
        body = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("query", {}), dict):
        raise Refusal(
            "searches with a Query option that is not a JSON object of the Query DSL (or is an "
            "expression); write it as JSON in n8n and export again."
        )
    if set(body) - {"query"}:
        raise Refusal(
            f"sends {', '.join(sorted(set(body) - {'query'}))} in its search body, which "
            "WorkFuse's Elasticsearch node does not; keep only query in n8n and export again."
        )
    return body.get("query") or None


def _elasticsearch(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "document", DEFAULTS)
    if resource != "document" or op not in OPS:
        raise unsupported("Elasticsearch", resource, op, SUPPORTED)
    p = node.params
    config: dict[str, Any] = {
        "operation": OPS[op],
        "index": required(cx, node, "indexId", "index (Index ID)"),
    }
    notes = [credential_note("Elasticsearch", "the cluster's address with a password or API key")]
    spec: dict[str, Any] = {}
    options = {k: v for k, v in dict(p.get("options") or {}).items() if v not in ("", None)}
    extra = {k: v for k, v in dict(p.get("additionalFields") or {}).items() if v not in ("", None)}
    if op == "create":
        config["document"] = _fields(node, cx)
        if "documentId" in extra:
            config["document_id"] = text(cx, node, extra.pop("documentId"))
    elif op == "update":
        config["document_id"] = required(cx, node, "documentId", "document (Document ID)")
        config["document"] = _fields(node, cx)
    elif op in ("get", "delete"):
        config["document_id"] = required(cx, node, "documentId", "document (Document ID)")
    if op in ("get", "getAll") and p.get("simple", True) is False:
        config["simple"] = False
    if op == "getAll":
        query = _query(node, options.pop("query", None))
        if query:
            config["query"] = query
        if p.get("returnAll"):
            config["max_results"] = MAX_HITS
            notes.append(f"n8n read every document; WorkFuse reads at most {MAX_HITS}.")
        else:
            config["max_results"] = min(max(int(p.get("limit") or LIMIT), 1), MAX_HITS)
        spec["items"] = "documents"
    unknown = sorted({*options, *extra})
    if unknown:
        raise Refusal(
            f"sets {', '.join(unknown)}, which WorkFuse's Elasticsearch node does not send; "
            "remove them in n8n and export again."
        )
    return Converted("app.elasticsearch", config, notes=notes, spec=spec)


SPECS: dict[str, Spec] = {f"{BASE}elasticsearch": Spec(_elasticsearch, "")}
