"""n8n's Ghost node (version 1, Admin API) as WorkFuse's `app.ghost`: posts created, updated,
got (by id or slug), listed and deleted. n8n's HTML content is sent with `source=html`, its tag
and author ids become Ghost's `[{id}]`, as n8n sends them; its update reads the post's
`updated_at` first, and so does WorkFuse's."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, updates, gets, lists and deletes posts through the Admin API"
DEFAULTS = {"post": "get"}
OPS = {
    "create": "create_post",
    "update": "update_post",
    "get": "get_post",
    "getAll": "list_posts",
    "delete": "delete_post",
}
LIMIT = 50
MAX_POSTS = 1000
# n8n's post fields, sent under Ghost's own names (n8n's names are Ghost's).
POST_FIELDS = {
    "authors",
    "canonical_url",
    "codeinjection_foot",
    "codeinjection_head",
    "custom_excerpt",
    "featured",
    "meta_description",
    "meta_title",
    "og_description",
    "og_image",
    "og_title",
    "published_at",
    "slug",
    "tags",
    "twitter_description",
    "twitter_image",
    "twitter_title",
}
READ_OPTIONS = {"formats"}


def _given(value: Any) -> bool:
    return value not in ("", None, {}, [])


def _refuse_unknown(given: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(k for k, v in given.items() if k not in allowed and _given(v))
    if unknown:
        raise Refusal(
            f"sets {', '.join(unknown)} in {where}, which WorkFuse's Ghost node does not "
            "send; remove them in n8n (or set them in the imported node's fields) and export "
            "again."
        )


def _content(node: N8nNode, cx: Converter, fmt: Any, content: Any, config: dict[str, Any]) -> None:
    if fmt not in (None, "", "html"):
        raise Refusal(
            f"sends its content as {fmt}, which WorkFuse's Ghost node does not (it sends "
            "HTML); choose the HTML content format in n8n and export again."
        )
    if _given(content):
        config["content"] = text(cx, node, content)


def _post_fields(
    node: N8nNode, cx: Converter, given: dict[str, Any], config: dict[str, Any]
) -> None:
    """n8n's additional/update fields: status on its own, the rest into `fields`."""
    fields: dict[str, Any] = {}
    for name, value in given.items():
        if name in ("contentFormat", "content") or (not _given(value) and value is not False):
            continue
        if name == "status":
            config["status"] = text(cx, node, value)
        elif name in ("tags", "authors"):
            ids = value if isinstance(value, list) else [value]
            fields[name] = [{"id": text(cx, node, i)} for i in ids]
        else:
            fields[name] = text(cx, node, value)
    if fields:
        config["fields"] = fields


def _formats(options: dict[str, Any]) -> str:
    formats = options.get("formats")
    if isinstance(formats, list):
        return ",".join(str(f) for f in formats)
    return str(formats or "")


def _ghost(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if p.get("source", "contentApi") != "adminApi":
        raise Refusal(
            "reads through Ghost's Content API, which WorkFuse's Ghost node does not (it uses "
            "the Admin API, which reads every post too); choose the Admin API in n8n and "
            "export again, then choose a Ghost Admin API key credential."
        )
    resource, op = operation(node, "post", DEFAULTS)
    if resource != "post" or op not in OPS:
        raise unsupported("Ghost", resource, op, SUPPORTED)
    config: dict[str, Any] = {"operation": OPS[op]}
    notes = [credential_note("Ghost", "an Admin API key and the site's address")]
    spec: dict[str, Any] = {}
    if op == "create":
        config["title"] = required(cx, node, "title", "title")
        _content(node, cx, p.get("contentFormat"), p.get("content"), config)
        extra = dict(p.get("additionalFields") or {})
        _refuse_unknown(extra, POST_FIELDS | {"status"}, "Additional Fields")
        _post_fields(node, cx, extra, config)
    elif op == "update":
        config["post_id"] = required(cx, node, "postId", "post (Post ID)")
        updates = dict(p.get("updateFields") or {})
        _refuse_unknown(
            updates, POST_FIELDS | {"status", "title", "contentFormat", "content"}, "Update Fields"
        )
        if _given(updates.get("title")):
            config["title"] = text(cx, node, updates.pop("title"))
        _content(node, cx, updates.get("contentFormat"), updates.get("content"), config)
        _post_fields(node, cx, updates, config)
    elif op == "get":
        by = p.get("by") or "id"
        name = "post_id" if by == "id" else "slug"
        config[name] = required(cx, node, "identifier", f"post ({by})")
        options = dict(p.get("options") or {})
        _refuse_unknown(options, READ_OPTIONS, "Options")
        if _formats(options):
            config["formats"] = _formats(options)
    elif op == "getAll":
        options = dict(p.get("options") or {})
        _refuse_unknown(options, READ_OPTIONS | {"filter"}, "Options")
        if _formats(options):
            config["formats"] = _formats(options)
        if _given(options.get("filter")):
            config["filter"] = text(cx, node, options["filter"])
        if p.get("returnAll"):
            config["max_results"] = MAX_POSTS
            notes.append(f"n8n read every post; WorkFuse reads at most {MAX_POSTS}.")
        else:
            config["max_results"] = min(max(int(p.get("limit") or LIMIT), 1), MAX_POSTS)
        spec["items"] = "posts"
    else:
        config["post_id"] = required(cx, node, "postId", "post (Post ID)")
    return Converted("app.ghost", config, notes=notes, spec=spec)


SPECS: dict[str, Spec] = {f"{BASE}ghost": Spec(_ghost, "")}
