"""n8n's Zendesk node as WorkFuse's `app.zendesk`: tickets created, updated, got and searched
(n8n's getAll is Zendesk's search with `type:ticket`), users created, updated, got and
searched. n8n's named ticket fields become Zendesk's own names in the node's `fields`; its
description, internal note and public reply become the node's comment. Suspended tickets,
deletes, ticket fields and organizations are refused by name."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it creates, updates, gets and lists tickets and creates, updates, gets and searches "
    "users; suspended tickets, deletes, ticket fields and organizations are not imported"
)
DEFAULTS = {"ticket": "create", "user": "create"}
# n8n's ticket field names → Zendesk's.
TICKET_FIELDS = {
    "type": "type",
    "externalId": "external_id",
    "status": "status",
    "recipient": "recipient",
    "group": "group_id",
    "tags": "tags",
    "assigneeEmail": "assignee_email",
}
MAX_LIST = 1000


def _zendesk(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "ticket", DEFAULTS)
    notes = [
        credential_note(
            "Zendesk", "the subdomain with an agent's email and API token, or an OAuth token"
        )
    ]
    if resource == "ticket" and op in ("create", "update"):
        config = _ticket_write(node, cx, op)
    elif resource == "ticket" and op in ("get", "getAll"):
        if (node.params.get("ticketType") or "regular") != "regular":
            raise Refusal("reads suspended tickets, which WorkFuse's Zendesk node does not.")
        if op == "get":
            config = {"operation": "get_ticket", "ticket_id": _id(node, cx, "ticket")}
        else:
            config = _ticket_search(node, cx, notes)
    elif resource == "user" and op in ("create", "update", "get", "search"):
        config = _user(node, cx, op, notes)
    else:
        raise unsupported("Zendesk", resource, op, SUPPORTED)
    return Converted("app.zendesk", config, notes=notes)


def _id(node: N8nNode, cx: Converter, what: str) -> Any:
    value = text(cx, node, node.params.get("id"))
    if value in ("", None):
        raise Refusal(f"names no {what}; set the {what.capitalize()} ID in n8n.")
    return value


def _json_fields(node: N8nNode, cx: Converter, param: str) -> Any:
    raw = node.params.get(param) or ""
    if isinstance(raw, str) and raw.startswith("="):
        return text(cx, node, raw)
    try:
        parsed = json.loads(raw) if isinstance(raw, str) and raw.strip() else raw or {}
    except ValueError:
        raise Refusal(f"holds {param} that is not JSON; correct it in n8n.") from None
    if not isinstance(parsed, dict):
        raise Refusal(f"holds {param} that is not a JSON object; correct it in n8n.")
    return cx.value(parsed, node)


def _ticket_write(node: N8nNode, cx: Converter, op: str) -> dict[str, Any]:
    p = node.params
    config: dict[str, Any] = {"operation": f"{op}_ticket"}
    if op == "create":
        config["comment"] = text(cx, node, p.get("description"))
    else:
        config["ticket_id"] = _id(node, cx, "ticket")
    if p.get("jsonParameters"):
        written = "additionalFieldsJson" if op == "create" else "updateFieldsJson"
        if as_json := _json_fields(node, cx, written):
            config["fields"] = as_json
        return config
    collection = p.get("additionalFields" if op == "create" else "updateFields") or {}
    given = {k: v for k, v in dict(collection).items() if v not in ("", None, [], {})}
    if "subject" in given:
        config["subject"] = text(cx, node, given.pop("subject"))
    # n8n's update sends one comment: the public reply when both are set.
    if reply := given.pop("publicReply", None):
        config["comment"] = text(cx, node, reply)
        given.pop("internalNote", None)
    elif note := given.pop("internalNote", None):
        config |= {"comment": text(cx, node, note), "comment_public": False, "comment_html": True}
    fields: dict[str, Any] = {}
    custom = given.pop("customFieldsUi", None)
    if isinstance(custom, dict) and custom.get("customFieldsValues"):
        fields["custom_fields"] = cx.value(custom["customFieldsValues"], node)
    unknown = sorted(set(given) - set(TICKET_FIELDS))
    if unknown:
        raise Refusal(
            f"sets {', '.join(unknown)}, which WorkFuse's Zendesk node does not know; remove "
            "it in n8n or use JSON parameters."
        )
    fields |= {TICKET_FIELDS[k]: cx.value(v, node) for k, v in given.items()}
    if fields:
        config["fields"] = fields
    return config


def _ticket_search(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    p = node.params
    options = dict(p.get("options") or {})
    parts = [text(cx, node, options.get("query")) if options.get("query") else ""]
    for name in ("status", "group"):
        if options.get(name):
            parts.append(f"{name}:{text(cx, node, options[name])}")
    config: dict[str, Any] = {"operation": "search_tickets"}
    if query := " ".join(str(part) for part in parts if part):
        config["query"] = query
    if options.get("sortBy"):
        config["sort_by"] = options["sortBy"]
    if options.get("sortOrder"):
        config["sort_order"] = options["sortOrder"]
    return config | _listing(p, notes)


def _listing(p: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    if p.get("returnAll"):
        notes.append(f"n8n read every result; Zendesk's search answers at most {MAX_LIST}.")
        return {"max_results": MAX_LIST}
    limit = p.get("limit", 100)
    if not isinstance(limit, int | float):
        raise Refusal("sets its limit with an expression; set a number in n8n.")
    return {"max_results": min(max(int(limit), 1), 100)}


def _user(node: N8nNode, cx: Converter, op: str, notes: list[str]) -> dict[str, Any]:
    p = node.params
    if op == "get":
        return {"operation": "get_user", "user_id": _id(node, cx, "user")}
    if op == "search":
        filters = dict(p.get("filters") or {})
        query = filters.pop("query", "")
        if filters or not query:
            raise Refusal(
                "searches users by other filters than a query; WorkFuse's Zendesk node sends "
                "a query (e.g. email:ada@example.com). Set the Query filter in n8n."
            )
        return {"operation": "search_users", "query": text(cx, node, query)} | _listing(p, notes)
    config: dict[str, Any] = {"operation": f"{op}_user"}
    given = dict(p.get("additionalFields" if op == "create" else "updateFields") or {})
    if op == "create":
        config["name"] = text(cx, node, p.get("name"))
    else:
        config["user_id"] = _id(node, cx, "user")
        if given.get("name"):
            config["name"] = text(cx, node, given.pop("name"))
    if given.get("email"):
        config["email"] = text(cx, node, given.pop("email"))
    ui = given.pop("userFieldsUi", None)
    fields = {k: cx.value(v, node) for k, v in given.items() if v not in ("", None, [])}
    if isinstance(ui, dict) and ui.get("userFieldValues"):
        fields["user_fields"] = {
            str(f.get("field")): cx.value(f.get("value"), node) for f in ui["userFieldValues"]
        }
    if fields:
        config["fields"] = fields
    return config


def _spec(node: N8nNode, cx: Converter) -> Spec:
    _, op = operation(node, "ticket", DEFAULTS)
    many = "items" if op in ("getAll", "search") else None
    return dataclasses.replace(SPECS[f"{BASE}zendesk"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}zendesk": Spec(_zendesk, "", per_node=_spec)}
