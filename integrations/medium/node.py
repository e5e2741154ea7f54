"""app.medium: a post created on the token's user's profile or in one of their publications,
and their publications listed, as n8n's Medium node does."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from integrations.medium import rest_api
from integrations.medium.credentials import IntegrationToken
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal["create_post", "list_publications"]
MAX_TAGS, MAX_TAG = 5, 25  # Medium's limits, which n8n checks before sending


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Medium integration token credential. Needed to run."
    )
    operation: Operation = Field(
        "create_post",
        description="create_post: a new post (on your profile, or in a publication). "
        "list_publications: the publications you belong to.",
    )
    title: str = Field(
        "",
        description="The post's title.",
        json_schema_extra=used_by("create_post", required=True),
    )
    content: str = Field(
        "",
        description="The post's body, in content_format.",
        json_schema_extra=used_by("create_post", required=True),
    )
    content_format: Literal["html", "markdown"] = Field(
        "html", description="html or markdown.", json_schema_extra=used_by("create_post")
    )
    publication_id: str = Field(
        "",
        description="Post in this publication (its id); empty: on your own profile.",
        json_schema_extra=used_by("create_post"),
    )
    tags: str = Field(
        "",
        description=f"Comma-separated tags (at most {MAX_TAGS}, each at most {MAX_TAG} "
        "characters).",
        json_schema_extra=used_by("create_post"),
    )
    publish_status: Literal["", "public", "draft", "unlisted"] = Field(
        "",
        description="public, draft or unlisted (Medium's default: public).",
        json_schema_extra=used_by("create_post"),
    )
    canonical_url: str = Field(
        "",
        description="The post's original home, when it was first published elsewhere.",
        json_schema_extra=used_by("create_post"),
    )
    license: str = Field(
        "",
        description="all-rights-reserved (default), cc-40-by, cc-40-by-sa, cc-40-by-nd, "
        "cc-40-by-nc, cc-40-by-nc-nd, cc-40-by-nc-sa, cc-40-zero or public-domain.",
        json_schema_extra=used_by("create_post"),
    )
    notify_followers: bool = Field(
        False,
        description="Tell your followers the post is out.",
        json_schema_extra=used_by("create_post"),
    )
    max_results: int = Field(
        100,
        ge=1,
        le=200,
        description="list_publications: keep at most this many (1 to 200).",
        json_schema_extra=used_by("list_publications"),
    )


def _tags(text: str) -> list[str]:
    if not text.strip():
        return []
    tags = [t.strip() for t in text.split(",")]
    for tag in tags:
        if len(tag) > MAX_TAG:
            raise NodeError(f'The tag "{tag}" is too long: a tag has at most {MAX_TAG} characters.')
    if len(tags) > MAX_TAGS:
        raise NodeError(f"Too many tags: Medium takes at most {MAX_TAGS}.")
    return tags


def _post(config: Config) -> dict[str, Any]:
    body: dict[str, Any] = {
        "tags": _tags(config.tags),
        "title": config.title,
        "contentFormat": config.content_format,
        "content": config.content,
    }
    if config.canonical_url:
        body["canonicalUrl"] = config.canonical_url
    if config.publish_status:
        body["publishStatus"] = config.publish_status
    if config.license:
        body["license"] = config.license
    if config.notify_followers:
        body["notifyFollowers"] = True
    return body


def run(config: Config, ctx: RunContext) -> Any:
    """create_post: the post as Medium answers it ({id, title, authorId, url, publishStatus,
    ...}); in a publication Medium's whole answer ({data: post}), as n8n outputs them.
    list_publications: {publications, count}."""
    secret, _ = credential_for(ctx, config.operation, IntegrationToken)
    op = config.operation
    if op == "create_post":
        body = _post(config)
        if config.publication_id.strip():
            path = f"/publications/{config.publication_id.strip()}/posts"
            return rest_api.call(secret, "POST", path, what=op, json=body)
        author = rest_api.me(secret, what=op).get("id")
        if not author:
            raise NodeError("Medium did not say whose token this is (GET /me has no id).")
        return rest_api.call(secret, "POST", f"/users/{author}/posts", what=op, json=body).get(
            "data", {}
        )
    user = rest_api.me(secret, what=op).get("id")
    answer = rest_api.call(secret, "GET", f"/users/{user}/publications", what=op)
    found = list(answer.get("data") or [])[: config.max_results]
    return {"publications": found, "count": len(found)}


NODE = NodeType(
    type="app.medium",
    label="Medium",
    category="app",
    description="Publishes a post on Medium (on your profile or in a publication) and lists "
    "your publications.",
    Config=Config,
    run=run,
    credential_kinds=(IntegrationToken.kind,),
    icon="Ⓜ",
    examples=(
        (
            "Publish the form's entry as a markdown Medium post with credential 4",
            {
                "credential": 4,
                "operation": "create_post",
                "title": "{{ trigger.body.title }}",
                "content": "{{ trigger.body.text }}",
                "content_format": "markdown",
            },
        ),
        (
            "Save a Medium draft titled Launch notes in publication b45573563f5a tagged n8n, ai",
            {
                "operation": "create_post",
                "title": "Launch notes",
                "content": "<p>Soon.</p>",
                "publication_id": "b45573563f5a",
                "tags": "n8n, ai",
                "publish_status": "draft",
            },
        ),
        ("List my Medium publications", {"operation": "list_publications"}),
    ),
)
