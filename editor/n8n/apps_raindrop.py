"""n8n's Raindrop node (version 1) as WorkFuse's `app.raindrop`, bookmark resource: create (the
link in a collection, with the Additional Fields title, tags, important and pleaseParse), get
and delete."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, listed, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, gets and deletes bookmarks"
OPERATIONS = {"create": "create_bookmark", "get": "get_bookmark", "delete": "delete_bookmark"}
KNOWN = ("title", "tags", "important", "pleaseParse")


def _raindrop(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "collection", {"bookmark": "create", "collection": "create"})
    if resource != "bookmark" or op not in OPERATIONS:
        raise unsupported("Raindrop", resource, op, SUPPORTED)
    p = node.params
    config: dict[str, Any] = {"operation": OPERATIONS[op]}
    if op != "create":
        config["bookmark_id"] = required(cx, node, "bookmarkId", "Bookmark ID")
        return Converted("app.raindrop", config, notes=[_note()])
    extra = dict(p.get("additionalFields") or {})
    unknown = sorted(set(extra) - set(KNOWN))
    if unknown:
        raise Refusal(
            f"sets the Additional Fields {', '.join(unknown)}, which WorkFuse's Raindrop node lacks."
        )
    config["link"] = required(cx, node, "link", "Link")
    collection = p.get("collectionId", "")
    if collection in ("", None):
        raise Refusal("names no Collection; choose one in n8n and export again.")
    config["collection_id"] = text(cx, node, collection)
    if extra.get("title") not in (None, ""):
        config["title"] = text(cx, node, extra["title"])
    if extra.get("tags") not in (None, ""):
        config["tags"] = listed(cx, node, extra["tags"])
    for name, field in (("important", "important"), ("pleaseParse", "parse")):
        if extra.get(name) is True:
            config[field] = True
    return Converted("app.raindrop", config, notes=[_note()])


def _note() -> str:
    return credential_note("Raindrop.io", "an access token: a test token or an OAuth token")


SPECS: dict[str, Spec] = {f"{BASE}raindrop": Spec(_raindrop, "")}
