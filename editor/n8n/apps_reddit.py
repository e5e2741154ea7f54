"""n8n's Reddit node (version 1) as WorkFuse's `app.reddit`: posts searched (all of Reddit or a
subreddit), listed, got, created (text or link) and deleted; each post of a search or listing is
an n8n item."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it searches, lists, gets, creates and deletes posts"
DEFAULTS = {"post": "create"}
LIMIT = 100
MAX_POSTS = 1000


def _many(node: N8nNode, config: dict[str, Any], notes: list[str]) -> None:
    p = node.params
    if p.get("returnAll"):
        config["max_results"] = MAX_POSTS
        notes.append(f"n8n read every post; WorkFuse reads at most {MAX_POSTS}.")
    else:
        config["max_results"] = min(max(int(p.get("limit") or LIMIT), 1), MAX_POSTS)


def _reddit(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "post", DEFAULTS)
    p = node.params
    notes = [credential_note("Reddit", "a Reddit app, with a user to post")]
    spec: dict[str, Any] = {}
    config: dict[str, Any]
    if (resource, op) == ("post", "search"):
        config = {"operation": "search_posts", "keyword": required(cx, node, "keyword", "keyword")}
        if p.get("location", "subreddit") == "subreddit":
            config["subreddit"] = required(cx, node, "subreddit", "subreddit")
        extra = dict(p.get("additionalFields") or {})
        if extra.get("sort"):
            config["sort"] = text(cx, node, extra.pop("sort"))
        if any(v not in ("", None) for v in extra.values()):
            raise Refusal(
                f"sets {', '.join(sorted(extra))}, which WorkFuse's Reddit node does not send; "
                "remove them in n8n and export again."
            )
        _many(node, config, notes)
        spec["items"] = "posts"
    elif (resource, op) == ("post", "getAll"):
        config = {
            "operation": "list_posts",
            "subreddit": required(cx, node, "subreddit", "subreddit"),
        }
        category = (p.get("filters") or {}).get("category")
        if category:
            config["category"] = category
        _many(node, config, notes)
        spec["items"] = "posts"
    elif (resource, op) == ("post", "get"):
        config = {
            "operation": "get_post",
            "subreddit": required(cx, node, "subreddit", "subreddit"),
            "post_id": required(cx, node, "postId", "post (Post ID)"),
        }
    elif (resource, op) == ("post", "delete"):
        config = {
            "operation": "delete_post",
            "post_id": required(cx, node, "postId", "post (Post ID)"),
        }
    elif (resource, op) == ("post", "create"):
        kind = p.get("kind", "self")
        if kind not in ("self", "link"):
            raise Refusal(
                f"submits a post of kind {kind}, which WorkFuse's Reddit node does not (text or "
                "link posts); link to the image instead in n8n and export again."
            )
        config = {
            "operation": "create_post",
            "subreddit": required(cx, node, "subreddit", "subreddit"),
            "title": required(cx, node, "title", "title"),
            "kind": kind,
        }
        body = "text" if kind == "self" else "url"
        if p.get(body) not in ("", None):
            config[body] = text(cx, node, p[body])
    else:
        raise unsupported("Reddit", resource, op, SUPPORTED)
    return Converted("app.reddit", config, notes=notes, spec=spec)


SPECS: dict[str, Spec] = {f"{BASE}reddit": Spec(_reddit, "")}
