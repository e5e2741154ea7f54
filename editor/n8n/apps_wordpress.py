"""n8n's WordPress node as WorkFuse's `app.wordpress`: posts and pages created, updated, got and
listed with n8n's options. Users, deletions and the options WorkFuse does not send are refused
by name."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it creates, updates, gets and lists posts and pages; users and deletions are not imported"
)
DEFAULTS = {"post": "create", "page": "create", "user": "create"}
# n8n's write fields (additionalFields / updateFields) and WorkFuse's.
WRITE_FIELDS = {
    "title": "title",
    "content": "content",
    "slug": "slug",
    "password": "password",
    "status": "status",
    "commentStatus": "comment_status",
    "pingStatus": "ping_status",
    "authorId": "author",
    "date": "date",
    "format": "format",
    "sticky": "sticky",
    "categories": "categories",
    "tags": "tags",
    "parent": "parent",
    "menuOrder": "menu_order",
    "featuredMediaId": "featured_media",
}
POST_ONLY = {"date", "format", "sticky", "categories", "tags", "postTemplate"}
PAGE_ONLY = {"parent", "menuOrder", "featuredMediaId", "pageTemplate"}
# n8n's list options and WorkFuse's.
LIST_OPTIONS = {
    "after": "after",
    "before": "before",
    "author": "author",
    "categories": "categories",
    "excludedCategories": "exclude_categories",
    "tags": "tags",
    "excludedTags": "exclude_tags",
    "context": "context",
    "order": "order",
    "orderBy": "order_by",
    "search": "search",
    "status": "status",
    "sticky": "sticky",
    "parent": "parent",
}
TEXT_FIELDS = {"author", "parent", "menu_order", "featured_media"}  # ids WorkFuse keeps as text


def _wordpress(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    resource, op = operation(node, "post", DEFAULTS)
    if resource not in ("post", "page") or op not in ("create", "update", "get", "getAll"):
        raise unsupported("WordPress", resource, op, SUPPORTED)
    notes = [credential_note("WordPress", "the site's URL, a user and an application password")]
    if op in ("create", "update"):
        config = _write(node, cx, resource, op)
    elif op == "get":
        options = p.get("options") or {}
        _refuse_others(options, {"context"}, resource)
        config = {"operation": f"get_{resource}", "post_id": _id(node, cx, resource)}
        if options.get("context"):
            config["context"] = options["context"]
    else:
        config = _list(node, cx, resource, notes)
    return Converted("app.wordpress", config, notes=notes)


def _id(node: N8nNode, cx: Converter, resource: str) -> str:
    value = text(cx, node, node.params.get(f"{resource}Id"))
    if value in ("", None):
        raise Refusal(f"names no {resource} id; set the {resource.title()} ID in n8n.")
    return str(value)


def _refuse_others(given: dict[str, Any], known: set[str], resource: str) -> None:
    others = sorted(name for name, value in given.items() if name not in known and value)
    if others:
        raise Refusal(
            f"sets the {resource} option(s) {', '.join(others)}, which WorkFuse's WordPress "
            "node does not send; remove them in n8n or use an HTTP Request node."
        )


def _value(cx: Converter, node: N8nNode, name: str, value: Any) -> Any:
    converted = text(cx, node, value)
    if name in TEXT_FIELDS and not isinstance(converted, str):
        return str(converted)
    if isinstance(converted, list):
        return [int(v) if isinstance(v, str) and v.isdigit() else v for v in converted]
    return converted


def _write(node: N8nNode, cx: Converter, resource: str, op: str) -> dict[str, Any]:
    p = node.params
    fields = dict(p.get("additionalFields" if op == "create" else "updateFields") or {})
    template = fields.pop("postTemplate" if resource == "post" else "pageTemplate", None)
    other = PAGE_ONLY if resource == "post" else POST_ONLY
    known = {n for n in WRITE_FIELDS if n not in other} - ({"title"} if op == "create" else set())
    _refuse_others(fields, known, resource)
    config: dict[str, Any] = {"operation": f"{op}_{resource}"}
    if op == "create":
        config["title"] = text(cx, node, p.get("title"))
    else:
        config["post_id"] = _id(node, cx, resource)
    for n8n_name, name in WRITE_FIELDS.items():
        if fields.get(n8n_name) not in (None, "", [], False):
            config[name] = _value(cx, node, name, fields[n8n_name])
    chosen = ((template or {}).get("values") or {}).get("template")
    if chosen:
        config["template"] = text(cx, node, chosen)
    return config


def _list(node: N8nNode, cx: Converter, resource: str, notes: list[str]) -> dict[str, Any]:
    p = node.params
    options = p.get("options") or {}
    known = set(LIST_OPTIONS) - ({"parent"} if resource == "post" else POST_ONLY)
    known -= {"excludedCategories", "excludedTags", "sticky"} if resource == "page" else set()
    _refuse_others(options, known, resource)
    config: dict[str, Any] = {"operation": f"list_{resource}s"}
    for n8n_name, name in LIST_OPTIONS.items():
        if options.get(n8n_name) not in (None, "", [], False):
            value = _value(cx, node, name, options[n8n_name])
            if name == "author" and isinstance(value, list):
                value = ",".join(str(v) for v in value)
            config[name] = value
    if p.get("returnAll"):
        config["max_results"] = 1000
        notes.append(f"n8n read every {resource}; WorkFuse reads at most 1000.")
    else:
        config["max_results"] = min(max(int(p.get("limit") or 5), 1), 1000)
    return config


def _many(node: N8nNode) -> str | None:
    resource, op = operation(node, "post", DEFAULTS)
    return f"{resource}s" if op == "getAll" and resource in ("post", "page") else None


def _spec(node: N8nNode, cx: Converter) -> Spec:
    return dataclasses.replace(SPECS[f"{BASE}wordpress"], per_node=None, items=_many(node))


SPECS: dict[str, Spec] = {f"{BASE}wordpress": Spec(_wordpress, "", per_node=_spec)}
