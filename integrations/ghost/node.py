"""app.ghost: posts created, updated, read, listed and deleted through Ghost's Admin API."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from integrations.ghost import admin_api
from integrations.ghost.credentials import AdminKey
from integrations.operations import OperationConfig, field_errors, json_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["create_post", "update_post", "get_post", "list_posts", "delete_post"]
WRITES = ("create_post", "update_post")
PAGE = 100
MAX_POSTS = 1000


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Ghost Admin API key credential. Needed to run."
    )
    operation: Operation = Field(
        "create_post",
        description="create_post: a new post. update_post: change a post. get_post: one post "
        "by id or slug. list_posts: the site's posts, newest first. delete_post: remove a post.",
    )
    post_id: str = Field(
        "",
        description="The post's id (get_post: or give its slug).",
        json_schema_extra=used_by(
            "update_post", "get_post", "delete_post", required=("update_post", "delete_post")
        ),
    )
    slug: str = Field(
        "", description="get_post: the post's slug.", json_schema_extra=used_by("get_post")
    )
    title: str = Field(
        "",
        description="The post's title.",
        json_schema_extra=used_by(*WRITES, required=("create_post",)),
    )
    content: str = Field(
        "",
        description="The post's body as HTML; Ghost turns it into its own editor format.",
        json_schema_extra=used_by(*WRITES),
    )
    status: Literal["", "draft", "published", "scheduled"] = Field(
        "",
        description="draft, published or scheduled (with published_at in fields). Empty: "
        "create_post makes a draft, update_post keeps the status.",
        json_schema_extra=used_by(*WRITES),
    )
    fields: Any = Field(
        None,
        description="More post fields as Ghost names them, as a JSON object: "
        '{"slug": "…", "tags": [{"name": "News"}], "authors": [{"id": "…"}], "featured": true, '
        '"published_at": "2026-01-01T09:00:00.000Z", "meta_title": "…", "custom_excerpt": "…"}.',
        json_schema_extra=used_by(*WRITES),
    )
    filter: str = Field(
        "",
        description="list_posts: a Ghost NQL filter, e.g. status:published+tag:news.",
        json_schema_extra=used_by("list_posts"),
    )
    formats: str = Field(
        "",
        description="get_post / list_posts: the body formats to include, comma-separated "
        "(html, lexical, mobiledoc, plaintext). Empty: Ghost's default.",
        json_schema_extra=used_by("get_post", "list_posts"),
    )
    max_results: int = Field(
        50,
        ge=1,
        le=MAX_POSTS,
        description="list_posts: keep at most this many posts.",
        json_schema_extra=used_by("list_posts"),
    )

    @field_validator("fields", mode="before")
    @classmethod
    def _object(cls, value: Any) -> Any:
        return json_object(value, "Ghost post fields")

    @model_validator(mode="after")
    def _post_named(self) -> Self:
        if self.operation == "get_post" and not (self.post_id.strip() or self.slug.strip()):
            raise field_errors(self, {"post_id": "get_post needs the post's id or its slug."})
        return self


def _post(config: Config) -> dict[str, Any]:
    fields = config.fields if config.fields not in (None, "") else {}
    if not isinstance(fields, dict):
        raise NodeError("fields must render to a JSON object of Ghost post fields.")
    post = dict(fields)
    if config.title:
        post["title"] = config.title
    if config.content:
        post["html"] = config.content
    if config.status:
        post["status"] = config.status
    return post


def _write(secret: Secret, config: Config, method: str, path: str, post: dict[str, Any]) -> Any:
    # source=html: Ghost converts the HTML into its editor format instead of ignoring it.
    params = {"source": "html"} if "html" in post else {}
    answer = admin_api.call(
        secret, method, path, what=config.operation, json={"posts": [post]}, params=params
    )
    return _first(answer, config.operation)


def _first(answer: Any, what: str) -> Any:
    posts = (answer or {}).get("posts") or []
    if not posts:
        raise NodeError(f"Ghost answered {what} without a post.")
    return posts[0]


def _list(secret: Secret, config: Config) -> list[Any]:
    posts: list[Any] = []
    page = 1
    while len(posts) < config.max_results:
        params: dict[str, Any] = {"limit": min(PAGE, config.max_results), "page": page}
        if config.filter:
            params["filter"] = config.filter
        if config.formats:
            params["formats"] = config.formats
        answer = admin_api.call(secret, "GET", "/posts/", what="list_posts", params=params) or {}
        posts.extend(answer.get("posts") or [])
        pagination = (answer.get("meta") or {}).get("pagination") or {}
        if not pagination.get("next"):
            break
        page = int(pagination["next"])
    return posts[: config.max_results]


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the post (create_post, update_post, get_post), {posts, count} for
    list_posts, {success: true} for delete_post."""
    secret, _ = credential_for(ctx, config.operation, AdminKey)
    op, post_id = config.operation, config.post_id.strip()
    if op == "create_post":
        return _write(secret, config, "POST", "/posts/", _post(config))
    if op == "update_post":
        # Ghost refuses an update that does not carry the post's current updated_at (it guards
        # against overwriting someone else's edit), so read it first, as n8n does.
        current = admin_api.call(
            secret, "GET", f"/posts/{post_id}/", what=op, params={"fields": "id,updated_at"}
        )
        post = {**_post(config), "updated_at": _first(current, op)["updated_at"]}
        return _write(secret, config, "PUT", f"/posts/{post_id}/", post)
    if op == "get_post":
        path = f"/posts/{post_id}/" if post_id else f"/posts/slug/{config.slug.strip()}/"
        params = {"formats": config.formats} if config.formats else {}
        return _first(admin_api.call(secret, "GET", path, what=op, params=params), op)
    if op == "list_posts":
        posts = _list(secret, config)
        return {"posts": posts, "count": len(posts)}
    admin_api.call(secret, "DELETE", f"/posts/{post_id}/", what=op)
    return {"success": True}


NODE = NodeType(
    type="app.ghost",
    label="Ghost",
    category="app",
    description="Creates, updates, reads, lists and deletes posts on a Ghost site (Admin API).",
    Config=Config,
    run=run,
    credential_kinds=(AdminKey.kind,),
    icon="✎",
    examples=(
        (
            "Create a Ghost draft titled Hello with the body <p>Hi</p>, credential 4",
            {
                "credential": 4,
                "operation": "create_post",
                "title": "Hello",
                "content": "<p>Hi</p>",
            },
        ),
        (
            "Publish Ghost post 6523f0a1b2c3d4e5f6a7b8c9",
            {
                "operation": "update_post",
                "post_id": "6523f0a1b2c3d4e5f6a7b8c9",
                "status": "published",
            },
        ),
        (
            "Read the Ghost post with slug welcome",
            {"operation": "get_post", "slug": "welcome"},
        ),
        (
            "List the 10 newest published Ghost posts",
            {"operation": "list_posts", "filter": "status:published", "max_results": 10},
        ),
        (
            "Delete Ghost post 6523f0a1b2c3d4e5f6a7b8c9",
            {"operation": "delete_post", "post_id": "6523f0a1b2c3d4e5f6a7b8c9"},
        ),
    ),
)
