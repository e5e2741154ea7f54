"""n8n's Webflow node (version 2, Webflow's Data API v2) as WorkFuse's `app.webflow`: a CMS
collection's items created, got, listed, updated and deleted."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, gets, lists, updates and deletes items"
LIMIT, MAX_RESULTS = 100, 5000
OPS = {
    "create": "create_item",
    "get": "get_item",
    "getAll": "list_items",
    "update": "update_item",
    "deleteItem": "delete_item",
}


def _fields(cx: Converter, node: N8nNode) -> dict[str, Any]:
    """fieldsUi's pairs as the item's fieldData (n8n's later pair wins a repeated field)."""
    pairs = (node.params.get("fieldsUi") or {}).get("fieldValues") or []
    fields: dict[str, Any] = {}
    for pair in pairs if isinstance(pairs, list) else []:
        field = pair.get("fieldId") if isinstance(pair, dict) else None
        if not field:
            raise Refusal(
                "sets a field without naming it (Field Name or ID); choose it in n8n and export again."
            )
        if not isinstance(field, str) or field.startswith("="):
            raise Refusal(
                f"names a field by an expression ({field}); WorkFuse's Webflow node takes fixed "
                "field slugs. Choose the field in n8n and export again."
            )
        fields[field] = text(cx, node, pair.get("fieldValue", ""))
    return fields


def _webflow(node: N8nNode, cx: Converter) -> Converted:
    if node.version < 2:
        raise Refusal(
            "is version 1, which calls Webflow's retired API v1; replace it with the Webflow "
            "node's version 2 in n8n and export again."
        )
    resource, op = operation(node, "item", {"item": "get"})
    if resource != "item" or op not in OPS:
        raise unsupported("Webflow", resource, op, SUPPORTED)
    p = node.params
    name = OPS[op]
    config: dict[str, Any] = {
        "operation": name,
        "collection_id": required(cx, node, "collectionId", "Collection"),
    }
    notes = [credential_note("Webflow", "a site API token")]
    if name in ("get_item", "update_item", "delete_item"):
        config["item_id"] = required(cx, node, "itemId", "Item ID")
    if name in ("create_item", "update_item"):
        config["fields"] = _fields(cx, node)
        if p.get("live"):
            config["live"] = True
    if name == "list_items":
        if p.get("returnAll"):
            config["max_results"] = MAX_RESULTS
            notes.append(f"n8n read every page; WorkFuse reads at most {MAX_RESULTS} items.")
        else:
            limit = p.get("limit")
            config["max_results"] = limit if isinstance(limit, int) and limit >= 1 else LIMIT
    return Converted("app.webflow", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    many = "items" if operation(node, "item", {"item": "get"}) == ("item", "getAll") else None
    return dataclasses.replace(SPECS[f"{BASE}webflow"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}webflow": Spec(_webflow, "", per_node=_spec)}
