"""n8n's Strapi node (version 1) as WorkFuse's `app.strapi`: entries created, updated, got, got
many and deleted. n8n's create and update send the input item's properties named in Columns;
WorkFuse's node takes the entry's fields, so Columns become a data object reading those
properties of the item (`$json`)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, updates, gets, lists and deletes entries"
OPERATIONS = {
    "create": "create_entry",
    "update": "update_entry",
    "get": "get_entry",
    "getAll": "list_entries",
    "delete": "delete_entry",
}
LIMIT = 50  # n8n's default
MAX_RESULTS = 5000


def _strapi(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "entry", {"entry": "get"})
    if resource != "entry" or op not in OPERATIONS:
        raise unsupported("Strapi", resource, op, SUPPORTED)
    p = node.params
    content_type = text(cx, node, p.get("contentType"))
    if content_type in ("", None):
        raise Refusal("names no content type; set it in n8n and export again.")
    config: dict[str, Any] = {"operation": OPERATIONS[op], "content_type": content_type}
    notes = [credential_note("Strapi", "an API token, the server's address and API version")]
    if p.get("authentication", "password") != "token":
        notes.append(
            "n8n logged in with a Strapi user's email and password; WorkFuse uses an API token "
            "(Settings → API Tokens)."
        )
    if op in ("get", "delete"):
        entry = text(cx, node, p.get("entryId"))
        if entry in ("", None):
            raise Refusal("names no entry; set the Entry ID in n8n and export again.")
        config["entry_id"] = str(entry)
    if op in ("create", "update"):
        config["data"] = _columns(node, cx, p.get("columns"))
        notes.append(
            "n8n sent only the listed properties the input item has (and with Strapi's API v4 "
            "the whole item once one of them was there); WorkFuse sends each listed property, "
            "empty where the item lacks it."
        )
    if op == "update":
        key = str(p.get("updateKey") or "id")
        config["entry_id"] = cx.value(f"={{{{ $json[{json.dumps(key)}] }}}}", node)
    if op == "getAll":
        config |= _list(node, cx, notes)
    return Converted("app.strapi", config, notes=notes)


def _columns(node: N8nNode, cx: Converter, columns: Any) -> dict[str, Any]:
    if not isinstance(columns, str) or columns.startswith("="):
        raise Refusal(
            "names its Columns with an expression (or not at all); list the properties in n8n "
            "and export again."
        )
    names = [c.strip() for c in columns.split(",") if c.strip()]
    if not names:
        raise Refusal("lists no Columns to send; list the properties in n8n and export again.")
    return {name: cx.value(f"={{{{ $json[{json.dumps(name)}] }}}}", node) for name in names}


def _list(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    p = node.params
    options = dict(p.get("options") or {})
    config: dict[str, Any] = {}
    where = options.get("where")
    if isinstance(where, str) and where.strip():
        if where.startswith("="):
            config["filters"] = text(cx, node, where)
        else:
            try:
                config["filters"] = text(cx, node, json.loads(where))
            except ValueError:
                raise Refusal(
                    f"filters with Where (JSON) that is not JSON ({where[:60]})."
                ) from None
    sort = options.get("sort")
    if sort:
        config["sort"] = [text(cx, node, s) for s in (sort if isinstance(sort, list) else [sort])]
    if options.get("publicationState") in ("live", "preview"):
        config["publication_state"] = options["publicationState"]
    if p.get("returnAll"):
        config["max_results"] = MAX_RESULTS
        notes.append(f"n8n read every entry; WorkFuse reads at most {MAX_RESULTS}.")
    else:
        limit = p.get("limit")
        config["max_results"] = min(max(limit if isinstance(limit, int) else LIMIT, 1), MAX_RESULTS)
    return config


def _spec(node: N8nNode, cx: Converter) -> Spec:
    many = "entries" if operation(node, "entry", {"entry": "get"})[1] == "getAll" else None
    return dataclasses.replace(SPECS[f"{BASE}strapi"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}strapi": Spec(_strapi, "", per_node=_spec)}
