"""n8n's Zammad node (version 1) as WorkFuse's `app.zammad`, for tickets listed and got with a
token's access (n8n's Token Auth)."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it lists and gets tickets"
LIMIT, MAX_RESULTS = 50, 5000


def _zammad(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "user", {"ticket": "create"})
    if resource != "ticket" or op not in ("getAll", "get"):
        raise unsupported("Zammad", resource, op, SUPPORTED)
    p = node.params
    if p.get("authentication", "tokenAuth") != "tokenAuth":
        raise Refusal(
            "signs in with a user name and password; WorkFuse's Zammad node takes an access token (n8n's Token Auth)."
        )
    notes = [credential_note("Zammad", "an access token")]
    config: dict[str, Any]
    if op == "get":
        config = {"operation": "get_ticket", "ticket_id": required(cx, node, "id", "Ticket ID")}
    elif p.get("returnAll"):
        config = {"operation": "list_tickets", "max_results": MAX_RESULTS}
        notes.append(f"n8n read every page; WorkFuse reads at most {MAX_RESULTS} tickets.")
    else:
        limit = p.get("limit")
        config = {
            "operation": "list_tickets",
            "max_results": limit if isinstance(limit, int) and limit >= 1 else LIMIT,
        }
    return Converted("app.zammad", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    many = "tickets" if operation(node, "user", {})[1] == "getAll" else None
    return dataclasses.replace(SPECS[f"{BASE}zammad"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}zammad": Spec(_zammad, "", per_node=_spec)}
