"""n8n's Hacker News node as an HTTP GET to the Algolia Hacker News API it calls
(hn.algolia.com/api/v1, no credential): an article (`items/<id>`), a user (`users/<name>`), or
a search (`search`, by keyword and tags) whose hits are the node's items, as in n8n."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import quote

from editor.n8n.apps_base import text
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

TYPE = f"{BASE}hackerNews"
API = "https://hn.algolia.com/api/v1"
DEFAULT_LIMIT = 100  # n8n's
MAX_HITS = 1000  # Algolia's largest page, and the most hits it lets any search reach
TAGS = frozenset({"ask_hn", "comment", "front_page", "poll", "show_hn", "story"})


def _hacker_news(node: N8nNode, cx: Converter) -> Converted:
    resource = str(node.params.get("resource") or "article")
    notes: list[str] = []
    if resource == "all":
        config = _search(node, cx, notes)
    elif resource == "article":
        config = _get(node, cx, "items", "articleId", "Article ID")
        comments = (node.params.get("additionalFields") or {}).get("includeComments")
        if not comments:
            notes.append(
                "n8n removed the article's comments (`children`) unless Include Comments was "
                "on; here the output keeps them."
            )
    elif resource == "user":
        config = _get(node, cx, "users", "username", "Username")
    else:
        raise Refusal(f"reads the resource '{resource}', which n8n's Hacker News node lacks.")
    return Converted("action.http", config, notes=notes)


def _get(node: N8nNode, cx: Converter, path: str, param: str, label: str) -> dict[str, Any]:
    value = text(cx, node, node.params.get(param))
    if value in ("", None):
        raise Refusal(f"has no {label}; set the {label} in n8n and export again.")
    value = str(value)
    # A template renders at run time; a fixed id or name is quoted here as n8n's URL held it.
    part = value if "{{" in value else quote(value, safe="")
    return {"method": "GET", "url": f"{API}/{path}/{part}"}


def _search(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    p = node.params
    operation = p.get("operation") or "getAll"
    if operation != "getAll":
        raise Refusal(f"runs '{operation}' on all items; n8n's node only gets many.")
    fields = p.get("additionalFields") or {}
    query: dict[str, Any] = {}
    if fields.get("keyword") not in (None, ""):
        query["query"] = text(cx, node, fields["keyword"])
    tags = fields.get("tags") or []
    if not isinstance(tags, list) or not set(tags) <= TAGS:
        raise Refusal(f"filters by tags {tags!r}; n8n offers {', '.join(sorted(TAGS))}.")
    if tags:
        query["tags"] = ",".join(tags)
    if p.get("returnAll"):
        query["hitsPerPage"] = MAX_HITS
        notes.append(
            f"n8n asked Algolia for every hit page by page; WorkFuse asks for one page of "
            f"{MAX_HITS}, the most Algolia lets a search reach."
        )
    else:
        limit = p.get("limit", DEFAULT_LIMIT)
        if isinstance(limit, str) and limit.startswith("="):  # an agent's $fromAI('limit')
            query["hitsPerPage"] = cx.value(limit, node)  # Algolia caps it at its own maximum
        elif not isinstance(limit, int) or isinstance(limit, bool):
            raise Refusal(f"sets its limit to {limit!r}; set a number in n8n.")
        else:
            query["hitsPerPage"] = min(max(limit, 1), MAX_HITS)
    return {"method": "GET", "url": f"{API}/search", "query": query}


def _spec(node: N8nNode, cx: Converter) -> Spec:
    """A search emits one item per hit; an article or a user is one item."""
    many = "body.hits" if node.params.get("resource") == "all" else None
    return dataclasses.replace(SPECS[TYPE], per_node=None, items=many)


SPECS: dict[str, Spec] = {TYPE: Spec(_hacker_news, "body", per_node=_spec)}
