"""n8n's Storyblok node (version 1) as WorkFuse's `app.storyblok`, for its Management API
source: stories got (n8n's default), listed, published, unpublished and deleted. The Content
API source (n8n's default source: the published-content CDN read with a preview or public
token) is refused."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, setting_of, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "with the Management API it gets, lists, publishes, unpublishes and deletes stories"
OPERATIONS = {
    "get": "get_story",
    "getAll": "list_stories",
    "publish": "publish_story",
    "unpublish": "unpublish_story",
    "delete": "delete_story",
}
LIMIT, MAX_RESULTS = 50, 5000


def _required(node: N8nNode, cx: Converter, name: str, label: str) -> Any:
    value = text(cx, node, setting_of(cx, node.params.get(name)))
    if value in ("", None):
        raise Refusal(f"names no {label}; set it in n8n and export again.")
    return value if isinstance(value, str) else str(value)


def _storyblok(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if (p.get("source") or "contentApi") != "managementApi":
        raise Refusal(
            "reads the Content API (Source: Content Delivery API), which WorkFuse's Storyblok "
            "node does not; use the Management API source in n8n, or an HTTP Request node on "
            "https://api.storyblok.com/v2/cdn/stories, and export again."
        )
    resource, op = operation(node, "story", {"story": "get"})
    if resource != "story" or op not in OPERATIONS:
        raise unsupported("Storyblok", resource, op, SUPPORTED)
    config: dict[str, Any] = {
        "operation": OPERATIONS[op],
        "space_id": _required(node, cx, "space", "Space ID"),
    }
    notes = [credential_note("Storyblok", "a Management API token")]
    if op == "getAll":
        starts_with = (p.get("filters") or {}).get("starts_with")
        if starts_with:
            config["starts_with"] = text(cx, node, starts_with)
        if p.get("returnAll"):
            config["max_results"] = MAX_RESULTS
            notes.append(f"n8n read every story; WorkFuse reads at most {MAX_RESULTS}.")
        else:
            limit = p.get("limit")
            config["max_results"] = limit if isinstance(limit, int) and limit >= 1 else LIMIT
    else:
        config["story_id"] = _required(node, cx, "storyId", "Story ID")
    options = dict(p.get("options") or {})
    if op == "publish":
        if options.get("releaseId"):
            config["release_id"] = text(cx, node, options["releaseId"])
        if options.get("language"):
            config["language"] = text(cx, node, options["language"])
    return Converted("app.storyblok", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    many = "stories" if operation(node, "story", {"story": "get"})[1] == "getAll" else None
    return dataclasses.replace(SPECS[f"{BASE}storyblok"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}storyblok": Spec(_storyblok, "", per_node=_spec)}
