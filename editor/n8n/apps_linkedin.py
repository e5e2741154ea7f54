"""n8n's LinkedIn node as WorkFuse's `app.linkedin`: a post created as a member or an
organization, text alone (shareMediaCategory NONE) or with an article card (ARTICLE), through
the Posts API as n8n's current node does; its output is the same `{urn}`. An image post (IMAGE)
uploads the input item's file, as n8n's does: the file an earlier step made (HTTP Request,
Read Binary File, …), found through `Converter.file_ref`."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import binary_file, credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates text and article posts"


def _linkedin(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "post", {"post": "create"})
    if (resource, op) != ("post", "create"):
        raise unsupported("LinkedIn", resource, op, SUPPORTED)
    p = node.params
    category = str(p.get("shareMediaCategory") or "NONE")
    if category not in ("NONE", "ARTICLE", "IMAGE"):
        raise Refusal(
            f"shares Media Category {category}, which WorkFuse's LinkedIn node does not post; "
            "post text, an article link or an image."
        )
    post_as = str(p.get("postAs") or "person")
    author = text(cx, node, p.get(post_as))
    if author in ("", None):
        raise Refusal(f"names no {post_as}; choose the {post_as.title()} in n8n.")
    body = text(cx, node, p.get("text"))
    if body in ("", None):
        raise Refusal("has no text; write the post's Text in n8n.")
    config: dict[str, Any] = {
        "operation": "create_post",
        "post_as": post_as,
        "author_id": author,
        "text": body,
    }
    options = dict(p.get("additionalFields") or {})
    if post_as == "person" and options.get("visibility"):
        config["visibility"] = str(options["visibility"])
    if category == "ARTICLE":
        for option, field in (
            ("originalUrl", "article_url"),
            ("title", "article_title"),
            ("description", "article_description"),
        ):
            if options.get(option):
                config[field] = text(cx, node, options[option])
        if "article_url" not in config:
            raise Refusal("shares an article without its Original URL; set it in n8n.")
    if category == "IMAGE":
        config["image"] = binary_file(cx, node, p.get("binaryPropertyName"))
        for option, field in (("title", "image_title"), ("description", "image_alt_text")):
            if options.get(option):
                config[field] = text(cx, node, options[option])
    notes = [credential_note("LinkedIn", "a member's OAuth 2.0 access token")]
    return Converted("app.linkedin", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}linkedIn": Spec(_linkedin, "")}
