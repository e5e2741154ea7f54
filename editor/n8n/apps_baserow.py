"""n8n's Baserow node as WorkFuse's `app.baserow`: rows got, got many, created, updated and
deleted. n8n names fields by id in its settings (`fieldId: 5870`, sent as `field_5870`) and
answers rows by field name; the node takes `field_<id>` keys as they are and answers by name
too. "Auto-map input data" (the input item's keys as column names) is refused: WorkFuse
sends the fields named in the node."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it gets, lists, creates, updates and deletes rows"
OPERATIONS = {
    "get": "get_row",
    "getAll": "list_rows",
    "create": "create_row",
    "update": "update_row",
    "delete": "delete_row",
}
LIMIT = 50  # n8n's default
MAX_ROWS = 10_000


def _baserow(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "row", {"row": "getAll"})
    if resource != "row" or op not in OPERATIONS:
        raise unsupported("Baserow", resource, op, SUPPORTED)
    p = node.params
    table = text(cx, node, p.get("tableId"))
    if table in ("", None):
        raise Refusal("names no table; choose the Table in n8n and export again.")
    config: dict[str, Any] = {"operation": OPERATIONS[op], "table_id": table}
    notes = [
        credential_note(
            "Baserow", "a database token; n8n signed in with a user name and password instead"
        )
    ]
    if op in ("get", "update", "delete"):
        row = text(cx, node, p.get("rowId"))
        if row in ("", None):
            raise Refusal("names no row; set the Row ID in n8n and export again.")
        config["row_id"] = row
    if op in ("create", "update"):
        config["fields"] = _fields(node, cx)
    if op == "getAll":
        config |= _list(node, cx, notes)
    return Converted("app.baserow", config, notes=notes)


def _field(value: Any) -> str:
    """n8n's field option (a field id) as the node names it."""
    value = str(value)
    return f"field_{value}" if value.isdigit() else value


def _fields(node: N8nNode, cx: Converter) -> dict[str, Any]:
    if node.params.get("dataToSend") == "autoMapInputData":
        raise Refusal(
            "sends its input item's keys as columns ('Auto-map Input Data to Columns'), which "
            "WorkFuse's Baserow node does not; choose 'Define Below for Each Column' in n8n "
            "and export again."
        )
    values = (node.params.get("fieldsUi") or {}).get("fieldValues") or []
    fields = {
        _field(v.get("fieldId")): text(cx, node, v.get("fieldValue"))
        for v in values
        if v.get("fieldId") not in ("", None)
    }
    if not fields:
        raise Refusal("sends no field values; add them under Fields to Send in n8n.")
    return fields


def _list(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    p = node.params
    options = dict(p.get("additionalOptions") or {})
    config: dict[str, Any] = {}
    if p.get("returnAll"):
        config["max_results"] = MAX_ROWS
        notes.append(f"n8n read every row; WorkFuse reads at most {MAX_ROWS}.")
    else:
        config["max_results"] = min(max(int(p.get("limit") or LIMIT), 1), MAX_ROWS)
    filters = (options.get("filters") or {}).get("fields") or []
    if filters:
        config["filters"] = [
            {
                "field": _field(f.get("field")),
                "operator": f.get("operator") or "equal",
                "value": text(cx, node, f.get("value")),
            }
            for f in filters
        ]
        config["filter_type"] = options.get("filterType") or "AND"
    if options.get("search"):
        config["search"] = text(cx, node, options["search"])
    order = (options.get("order") or {}).get("fields") or []
    if order:
        config["order"] = [
            {"field": _field(o.get("field")), "direction": "desc" if o.get("direction") else "asc"}
            for o in order
        ]
    return config


def _spec(node: N8nNode, cx: Converter) -> Spec:
    many = "rows" if operation(node, "row", {"row": "getAll"}) == ("row", "getAll") else None
    return dataclasses.replace(SPECS[f"{BASE}baserow"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}baserow": Spec(_baserow, "", per_node=_spec)}
