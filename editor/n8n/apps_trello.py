"""n8n's Trello node as WorkFuse's `app.trello`: cards created, updated, got and deleted; a
list's cards got; comments added. n8n sends its additional and update fields to Trello as they
are (Trello's own names); they become the node's `fields`. Boards, lists, labels, checklists,
attachments and the other comment operations are refused by name."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from editor.n8n.apps_base import credential_note, locator, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it creates, updates, gets and deletes cards, gets a list's cards and adds comments; "
    "boards, lists, labels, checklists and attachments are not imported"
)
DEFAULTS = {"card": "create", "cardComment": "create", "list": "getAll", "board": "create"}
CARD_URL = re.compile(r"trello\.com/c/([A-Za-z0-9]+)")
MAX_LIST = 1000


def _trello(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "card", DEFAULTS)
    notes = [credential_note("Trello", "an API key and a user's token")]
    if resource == "card" and op in ("create", "update"):
        config = _write(node, cx, op)
    elif resource == "card" and op in ("get", "delete"):
        config = {"operation": f"{op}_card", "card_id": _card(node, cx, "id")}
        if op == "get":
            config |= _return_fields(node, cx)
    elif resource == "list" and op == "getCards":
        config = _cards(node, cx, notes)
    elif resource == "cardComment" and op == "create":
        config = {
            "operation": "add_comment",
            "card_id": _card(node, cx, "cardId"),
            "text": text(cx, node, node.params.get("text")),
        }
    else:
        raise unsupported("Trello", resource, op, SUPPORTED)
    return Converted("app.trello", config, notes=notes)


def _card(node: N8nNode, cx: Converter, param: str) -> str:
    """A card's id: a plain id, or a resource locator by id or by the card's URL."""
    raw = node.params.get(param)
    value = locator(raw)
    if isinstance(raw, dict) and raw.get("mode") == "url" and (found := CARD_URL.search(value)):
        value = found[1]
    converted = text(cx, node, value)
    if converted in ("", None):
        raise Refusal("names no card; set the Card ID in n8n.")
    return str(converted)


def _set(fields: dict[str, Any], cx: Converter, node: N8nNode) -> dict[str, Any]:
    return {k: text(cx, node, v) for k, v in fields.items() if v not in ("", None, [])}


def _write(node: N8nNode, cx: Converter, op: str) -> dict[str, Any]:
    p = node.params
    if op == "create":
        list_id = text(cx, node, locator(p.get("listId")))
        if list_id in ("", None):
            raise Refusal("names no list; set the List ID in n8n.")
        config: dict[str, Any] = {
            "operation": "create_card",
            "list_id": str(list_id),
            "name": text(cx, node, p.get("name")),
        }
        if p.get("description"):
            config["description"] = text(cx, node, p["description"])
        fields = _set(dict(p.get("additionalFields") or {}), cx, node)
    else:
        config = {"operation": "update_card", "card_id": _card(node, cx, "id")}
        fields = _set(dict(p.get("updateFields") or {}), cx, node)
        if "name" in fields:
            config["name"] = fields.pop("name")
        if "desc" in fields or "description" in fields:
            config["description"] = fields.pop("desc", None) or fields.pop("description")
    if fields:
        config["fields"] = fields
    return config


def _return_fields(node: N8nNode, cx: Converter) -> dict[str, Any]:
    options = dict(node.params.get("additionalFields") or {})
    chosen = options.pop("fields", None)
    others = sorted(k for k, v in options.items() if v not in ("", None, False))
    if others:
        raise Refusal(
            f"sets the option(s) {', '.join(others)}, which WorkFuse's Trello node does not "
            "send; remove them in n8n or use an HTTP Request node."
        )
    if chosen and chosen != "all":
        return {"return_fields": str(text(cx, node, chosen))}
    return {}


def _cards(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    p = node.params
    list_id = text(cx, node, locator(p.get("id")))
    if list_id in ("", None):
        raise Refusal("names no list; set the List ID in n8n.")
    config: dict[str, Any] = {"operation": "list_cards", "list_id": str(list_id)}
    if p.get("returnAll"):
        config["max_results"] = MAX_LIST
        notes.append(f"n8n read every card of the list; WorkFuse keeps at most {MAX_LIST}.")
    else:
        config["max_results"] = min(max(int(p.get("limit") or 20), 1), MAX_LIST)
    return config | _return_fields(node, cx)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    many = "cards" if operation(node, "card", DEFAULTS) == ("list", "getCards") else None
    return dataclasses.replace(SPECS[f"{BASE}trello"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}trello": Spec(_trello, "", per_node=_spec)}
