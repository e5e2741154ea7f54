"""n8n's Google Books node (version 1) as WorkFuse's `app.google_books`: volumes got and got
all (a search), bookshelves got and got all, a shelf's volumes got all, added, removed, moved
and cleared. Only its OAuth2 authentication imports: a service account has no library.

n8n emits one item per volume or shelf of a getAll; WorkFuse's node outputs them as `volumes`
/ `bookshelves`, which the Spec names so the nodes after it run once per item."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SERVICE = "Google Books"
SUPPORTED = (
    "it gets volumes, bookshelves and a shelf's volumes, and adds, removes, moves and clears them"
)
DEFAULTS = {"bookshelf": "get", "bookshelfVolume": "getAll", "volume": "get"}
OPERATIONS = {
    ("volume", "get"): "get_volume",
    ("volume", "getAll"): "search_volumes",
    ("bookshelf", "get"): "get_bookshelf",
    ("bookshelf", "getAll"): "list_bookshelves",
    ("bookshelfVolume", "getAll"): "list_shelf_volumes",
    ("bookshelfVolume", "add"): "add_volume",
    ("bookshelfVolume", "remove"): "remove_volume",
    ("bookshelfVolume", "move"): "move_volume",
    ("bookshelfVolume", "clear"): "clear_shelf",
}
ITEMS = {
    ("volume", "getAll"): "volumes",
    ("bookshelf", "getAll"): "bookshelves",
    ("bookshelfVolume", "getAll"): "volumes",
}
MAX_LIST = 1000
# `$node["X"].parameter["p"]`: another node's setting (the corpus reads the shelf it added to).
PARAMETER_OF = re.compile(r'^=\{\{\s*\$node\["([^"]+)"\]\.parameter\["(\w+)"\]\s*\}\}$')


def _books(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "bookshelf", DEFAULTS)
    if (resource, op) not in OPERATIONS:
        raise unsupported(SERVICE, resource, op, SUPPORTED)
    _oauth_only(node)
    p, notes = node.params, [credential_note(SERVICE, "a Google OAuth client and a refresh token")]
    config: dict[str, Any] = {"operation": OPERATIONS[(resource, op)]}
    if (resource, op) == ("volume", "get") or op in ("add", "remove", "move"):
        config["volume_id"] = _required(node, cx, "volumeId", "Volume ID")
    if op == "getAll" and resource == "volume":
        config["query"] = _required(node, cx, "searchQuery", "Search Query")
    if resource == "bookshelfVolume" or (resource, op) == ("bookshelf", "get"):
        config["shelf_id"] = _required(node, cx, "shelfId", "Bookshelf ID")
    if op in ("get", "getAll") and resource != "volume" and not p.get("myLibrary"):
        config["user_id"] = _required(node, cx, "userId", "User ID")
    if op == "move":
        config["volume_position"] = text(cx, node, p.get("volumePosition") or 0)
    if op == "getAll":
        if p.get("returnAll"):
            notes.append(f"n8n read every result; WorkFuse keeps at most {MAX_LIST}.")
            config["max_results"] = MAX_LIST
        else:
            config["max_results"] = min(max(int(p.get("limit") or 40), 1), MAX_LIST)
    return Converted("app.google_books", config, notes=notes)


def _oauth_only(node: N8nNode) -> None:
    credentials = node.raw.get("credentials") or {}
    chosen = str(node.params.get("authentication") or "serviceAccount")
    if chosen == "serviceAccount" and "googleBooksOAuth2Api" not in credentials:
        raise Refusal(
            f"authenticates with a service account, which WorkFuse's {SERVICE} node does not "
            "(a service account has no library of its own); switch the node to OAuth2 in n8n."
        )


def _required(node: N8nNode, cx: Converter, param: str, label: str) -> Any:
    value = text(cx, node, _setting(node, cx, node.params.get(param)))
    if value in ("", None):
        raise Refusal(f"has no {label}; set it in n8n.")
    return value


def _setting(node: N8nNode, cx: Converter, value: Any) -> Any:
    """A parameter, with a reference to another node's fixed setting replaced by that setting
    (n8n reads it from the other node's parameters, not its output)."""
    match = PARAMETER_OF.match(value) if isinstance(value, str) else None
    if match is None:
        return value
    other = cx.nodes.get(match[1])
    setting = other.params.get(match[2]) if other is not None else None
    if other is None or setting in ("", None) or str(setting).startswith("="):
        raise Refusal(
            f"reads the setting {match[2]} of the node '{match[1]}', which is not a fixed value "
            "there; put the value itself in this node in n8n."
        )
    return setting


def _spec(node: N8nNode, cx: Converter) -> Spec:
    items = ITEMS.get(operation(node, "bookshelf", DEFAULTS))
    return dataclasses.replace(SPECS[f"{BASE}googleBooks"], per_node=None, items=items)


SPECS: dict[str, Spec] = {f"{BASE}googleBooks": Spec(_books, "", per_node=_spec)}
