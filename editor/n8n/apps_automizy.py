"""n8n's Automizy node (version 1) as WorkFuse's `app.automizy`: smart lists and their contacts
created, got, listed, updated and deleted, the Additional and Update Fields sent as Automizy
reads them (custom fields as `customFields` {key: value}, as n8n builds them)."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec

SUPPORTED = "it creates, gets, lists, updates and deletes lists and contacts"
OPS = {"create": "create", "get": "get", "getAll": "list", "update": "update", "delete": "delete"}
LIMIT, MAX_RESULTS = 100, 5000


def _fields(node: N8nNode, cx: Converter, given: dict[str, Any]) -> dict[str, Any]:
    fields = {k: text(cx, node, v) for k, v in given.items() if v not in ("", None, [], {})}
    custom = fields.pop("customFieldsUi", None)
    if isinstance(custom, dict):
        values = custom.get("customFieldsValues") or []
        fields["customFields"] = {str(v.get("key")): v.get("value", "") for v in values}
    return fields


def _listing(node: N8nNode, config: dict[str, Any], notes: list[str]) -> None:
    p = node.params
    extra = p.get("additionalFields") or {}
    if extra.get("sortBy") and extra.get("direction"):
        config |= {"sort_by": str(extra["sortBy"]), "direction": str(extra["direction"])}
    if extra.get("fields"):
        config["fields_shown"] = str(extra["fields"])
    if p.get("returnAll"):
        config["max_results"] = MAX_RESULTS
        notes.append(f"n8n read every page; WorkFuse reads at most {MAX_RESULTS}.")
    else:
        limit = p.get("limit")
        config["max_results"] = limit if isinstance(limit, int) and limit >= 1 else LIMIT


def _automizy(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "contact", {"contact": "create", "list": "create"})
    if resource not in ("contact", "list") or op not in OPS:
        raise unsupported("Automizy", resource, op, SUPPORTED)
    p = node.params
    name = f"{OPS[op]}_{resource}" + ("s" if op == "getAll" else "")
    config: dict[str, Any] = {"operation": name}
    notes = [credential_note("Automizy", "an API token")]
    if resource == "list":
        if op in ("create", "update"):
            config["name"] = required(cx, node, "name", "Name")
        if op != "create" and op != "getAll":
            config["list_id"] = required(cx, node, "listId", "List ID")
        if op == "getAll":
            _listing(node, config, notes)
        return Converted("app.automizy", config, notes=notes)
    if op in ("create", "getAll"):
        config["list_id"] = required(cx, node, "listId", "List")
    if op in ("create", "update"):
        config["email"] = required(cx, node, "email", "Email")
        given = p.get("additionalFields" if op == "create" else "updateFields") or {}
        if fields := _fields(node, cx, dict(given)):
            config["fields"] = fields
    if op in ("get", "delete"):
        config["contact_id"] = required(cx, node, "contactId", "Contact ID")
    if op == "getAll":
        _listing(node, config, notes)
        if not p.get("returnAll"):
            notes.append(
                "n8n's Get All with a limit emitted Automizy's whole answer as one item; "
                "WorkFuse's one item holds `contacts` too, but not Automizy's page fields."
            )
    return Converted("app.automizy", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    resource, op = operation(node, "contact", {"contact": "create", "list": "create"})
    many = None
    if op == "getAll":
        # n8n emits each list, each contact when it read every page; Get All contacts with a
        # limit emitted the whole answer ({contacts, …}) as one item.
        many = (
            "lists" if resource == "list" else "contacts" if node.params.get("returnAll") else None
        )
    return dataclasses.replace(SPECS[f"{BASE}automizy"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}automizy": Spec(_automizy, "", per_node=_spec)}
