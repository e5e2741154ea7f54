"""n8n's monday.com node (version 1) as WorkFuse's `app.monday`: board items created, got,
listed by group, their column values changed, deleted. Boards, columns, groups, updates,
moving items and finding them by column value are refused by name."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "board items: create, get, getAll, changeMultipleColumnValues, delete"
OPERATIONS = {
    "create": "create_item",
    "get": "get_item",
    "getAll": "list_items",
    "changeMultipleColumnValues": "change_columns",
    "delete": "delete_item",
}
LIMIT = 50  # n8n's default
MAX_ITEMS = 5000


def _required(cx: Converter, node: N8nNode, name: str, label: str) -> Any:
    value = text(cx, node, node.params.get(name))
    if value in ("", None):
        raise Refusal(f"names no {label}; set it in n8n and export again.")
    return value


def _monday(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "board", {"boardItem": "create", "board": "get"})
    if resource != "boardItem" or op not in OPERATIONS:
        raise unsupported("monday.com", resource, op, SUPPORTED)
    p = node.params
    config: dict[str, Any] = {"operation": OPERATIONS[op]}
    notes = [credential_note("monday.com", "a personal API token")]
    if op in ("create", "getAll", "changeMultipleColumnValues"):
        config["board_id"] = _required(cx, node, "boardId", "board (Board ID)")
    if op in ("get", "changeMultipleColumnValues", "delete"):
        item = _required(cx, node, "itemId", "item (Item ID)")
        if isinstance(item, str) and "," in item:
            raise Refusal(
                "gets several items (comma-separated Item IDs); WorkFuse's monday.com node "
                "gets one: split them into items first (Split Out) and export again."
            )
        config["item_id"] = item
    if op == "create":
        config["name"] = _required(cx, node, "name", "item name (Name)")
        if p.get("groupId") not in (None, ""):
            config["group_id"] = text(cx, node, p["groupId"])
        columns = (p.get("additionalFields") or {}).get("columnValues")
        if columns not in (None, ""):
            config["column_values"] = text(cx, node, columns)
    elif op == "changeMultipleColumnValues":
        config["column_values"] = _required(cx, node, "columnValues", "column values")
    elif op == "getAll":
        config["group_id"] = _required(cx, node, "groupId", "group (Group ID)")
        if p.get("returnAll"):
            config["max_results"] = MAX_ITEMS
            notes.append(f"n8n read every item; WorkFuse reads at most {MAX_ITEMS}.")
        else:
            config["max_results"] = min(max(int(p.get("limit") or LIMIT), 1), MAX_ITEMS)
    return Converted("app.monday", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    many = "items" if operation(node, "board", {"boardItem": "create"})[1] == "getAll" else None
    return dataclasses.replace(SPECS[f"{BASE}mondayCom"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}mondayCom": Spec(_monday, "", per_node=_spec)}
