"""n8n's Medium node (version 1) as WorkFuse's `app.medium`: post create (on the user's profile
or in a publication, n8n's Additional Fields sent as n8n sends them) and publication getAll."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates posts and lists publications"
DEFAULTS = {"post": "create", "publication": "getAll"}
FIELDS = {
    "tags": "tags",
    "publishStatus": "publish_status",
    "canonicalUrl": "canonical_url",
    "license": "license",
    "notifyFollowers": "notify_followers",
}


def _medium(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "post", DEFAULTS)
    notes = [credential_note("Medium", "an integration token")]
    p = node.params
    if (resource, op) == ("publication", "getAll"):
        limit = p.get("limit") if isinstance(p.get("limit"), int) else 100
        listed: dict[str, Any] = {"operation": "list_publications"}
        listed["max_results"] = 200 if p.get("returnAll") else limit
        return Converted("app.medium", listed, notes=notes)
    if (resource, op) != ("post", "create"):
        raise unsupported("Medium", resource, op, SUPPORTED)
    config: dict[str, Any] = {
        "operation": "create_post",
        "title": required(cx, node, "title", "Title"),
        "content": required(cx, node, "content", "Content"),
        "content_format": str(p.get("contentFormat") or "html"),
    }
    if config["content_format"] not in ("html", "markdown"):
        raise Refusal(
            f"uses the content format {config['content_format']!r}; Medium takes html or markdown."
        )
    if p.get("publication"):
        config["publication_id"] = required(cx, node, "publicationId", "Publication ID")
        notes.append(
            "In a publication n8n output Medium's whole answer ({data: post}) where on a "
            "profile it output the post; WorkFuse does the same."
        )
    fields = dict(p.get("additionalFields") or {})
    others = sorted(n for n, v in fields.items() if n not in FIELDS and v not in ("", None))
    if others:
        raise Refusal(
            f"sets the additional field(s) {', '.join(others)}, which WorkFuse's "
            "Medium node does not send."
        )
    config |= {FIELDS[n]: text(cx, node, v) for n, v in fields.items() if n in FIELDS and v}
    return Converted("app.medium", config, notes=notes)


def _spec(node: N8nNode, cx: Converter) -> Spec:
    many = "publications" if operation(node, "post", DEFAULTS)[0] == "publication" else None
    return dataclasses.replace(SPECS[f"{BASE}medium"], per_node=None, items=many)


SPECS: dict[str, Spec] = {f"{BASE}medium": Spec(_medium, "", per_node=_spec)}
