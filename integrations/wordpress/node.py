"""app.wordpress: create, update, get and list a WordPress site's posts and pages."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from integrations.operations import OperationConfig, extra_of, used_by
from integrations.service import credential_for
from integrations.wordpress import rest_api
from integrations.wordpress.credentials import ApplicationPassword
from workfuse.lib.node_run import RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_post",
    "update_post",
    "get_post",
    "list_posts",
    "create_page",
    "update_page",
    "get_page",
    "list_pages",
]
WRITES = ("create_post", "update_post", "create_page", "update_page")
POST_WRITES = ("create_post", "update_post")
PAGE_WRITES = ("create_page", "update_page")
LISTS = ("list_posts", "list_pages")
PER_PAGE = 100  # WordPress's largest page
MAX_LIST = 1000  # posts or pages one step reads at most (10 pages)
# Config field -> the REST field a write sends it as (sent only when set, as n8n does).
BODY = {
    "title": "title",
    "content": "content",
    "slug": "slug",
    "status": "status",
    "author": "author",
    "password": "password",
    "comment_status": "comment_status",
    "ping_status": "ping_status",
    "template": "template",
    "date": "date",
    "sticky": "sticky",
    "format": "format",
    "categories": "categories",
    "tags": "tags",
    "parent": "parent",
    "menu_order": "menu_order",
    "featured_media": "featured_media",
}
# Config field -> the list's query parameter.
QUERY = {
    "search": "search",
    "status": "status",
    "order_by": "orderby",
    "order": "order",
    "after": "after",
    "before": "before",
    "author": "author",
    "categories": "categories",
    "tags": "tags",
    "exclude_categories": "categories_exclude",
    "exclude_tags": "tags_exclude",
    "sticky": "sticky",
    "parent": "parent",
    "context": "context",
}
Ids = list[int] | str  # ids, or a template / comma-separated text WordPress parses itself


class Config(OperationConfig):
    # A template of one expression keeps its value's type: post ids read from an earlier
    # step may arrive as numbers.
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your WordPress application password credential. Needed to run."
    )
    operation: Operation = Field(
        "create_post",
        description="create_post / create_page: publish or draft a post or page. "
        "update_post / update_page: change the fields given. get_post / get_page: read one by "
        "id. list_posts / list_pages: read them (filtered, ordered) page after page up to "
        "max_results.",
    )
    post_id: str = Field(
        "",
        description="The post's or page's id.",
        json_schema_extra=used_by(
            "update_post", "get_post", "update_page", "get_page", required=True
        ),
    )
    title: str = Field(
        "",
        description="The title.",
        json_schema_extra=used_by(*WRITES, required=["create_post", "create_page"]),
    )
    content: str = Field(
        "", description="The content (HTML or block markup).", json_schema_extra=used_by(*WRITES)
    )
    slug: str = Field("", description="The URL slug.", json_schema_extra=used_by(*WRITES))
    status: Literal["", "publish", "draft", "pending", "private", "future"] = Field(
        "",
        description="Writes: the status (WordPress's default is draft). Lists: only this status "
        "(WordPress's default is publish; others need an editor's rights).",
        json_schema_extra=used_by(*WRITES, *LISTS),
    )
    author: str = Field(
        "",
        description="Writes: the author's user id. Lists: only these authors' (comma-separated "
        "ids).",
        json_schema_extra=used_by(*WRITES, *LISTS),
    )
    password: str = Field(
        "",
        description="A password that protects the content (not a credential).",
        json_schema_extra=used_by(*WRITES),
    )
    comment_status: Literal["", "open", "closed"] = Field(
        "", description="Whether comments are open.", json_schema_extra=used_by(*WRITES)
    )
    ping_status: Literal["", "open", "closed"] = Field(
        "", description="Whether pings are open.", json_schema_extra=used_by(*WRITES)
    )
    template: str = Field(
        "", description="The theme template file to use.", json_schema_extra=used_by(*WRITES)
    )
    date: str = Field(
        "",
        description="Publication date, ISO 8601 in the site's time zone.",
        json_schema_extra=used_by(*POST_WRITES),
    )
    sticky: bool = Field(
        False,
        description="Writes: keep the post on top of the front page. list_posts: only sticky "
        "posts.",
        json_schema_extra=used_by(*POST_WRITES, "list_posts"),
    )
    format: Literal[
        "",
        "standard",
        "aside",
        "chat",
        "gallery",
        "link",
        "image",
        "quote",
        "status",
        "video",
        "audio",
    ] = Field("", description="The post format.", json_schema_extra=used_by(*POST_WRITES))
    categories: Ids = Field(
        default_factory=list,
        description="Category ids (writes: the post's; list_posts: only these).",
        json_schema_extra=used_by(*POST_WRITES, "list_posts"),
    )
    tags: Ids = Field(
        default_factory=list,
        description="Tag ids (writes: the post's; list_posts: only these).",
        json_schema_extra=used_by(*POST_WRITES, "list_posts"),
    )
    exclude_categories: Ids = Field(
        default_factory=list,
        description="list_posts: leave out posts in these categories.",
        json_schema_extra=used_by("list_posts"),
    )
    exclude_tags: Ids = Field(
        default_factory=list,
        description="list_posts: leave out posts with these tags.",
        json_schema_extra=used_by("list_posts"),
    )
    parent: str = Field(
        "",
        description="Pages: the parent page's id (list_pages: only its children).",
        json_schema_extra=used_by(*PAGE_WRITES, "list_pages"),
    )
    menu_order: str = Field(
        "",
        description="The page's order among its siblings.",
        json_schema_extra=used_by(*PAGE_WRITES),
    )
    featured_media: str = Field(
        "", description="The featured image's media id.", json_schema_extra=used_by(*PAGE_WRITES)
    )
    search: str = Field(
        "", description="Only those matching this text.", json_schema_extra=used_by(*LISTS)
    )
    order_by: Literal[
        "",
        "author",
        "date",
        "id",
        "include",
        "modified",
        "parent",
        "relevance",
        "slug",
        "title",
        "menu_order",
    ] = Field(
        "",
        description="Sort by this (WordPress's default: date).",
        json_schema_extra=used_by(*LISTS),
    )
    order: Literal["", "asc", "desc"] = Field(
        "", description="Sort direction (default desc).", json_schema_extra=used_by(*LISTS)
    )
    after: str = Field(
        "",
        description="Only those published after this ISO 8601 date.",
        json_schema_extra=used_by(*LISTS),
    )
    before: str = Field(
        "",
        description="Only those published before this ISO 8601 date.",
        json_schema_extra=used_by(*LISTS),
    )
    context: Literal["", "view", "embed", "edit"] = Field(
        "",
        description="Which fields WordPress returns: view (default), embed, or edit (raw "
        "content too; needs an editor's rights).",
        json_schema_extra=used_by("get_post", "get_page", *LISTS),
    )
    max_results: int = Field(
        10,
        ge=1,
        le=MAX_LIST,
        description="Read at most this many (1 to 1000), page after page.",
        json_schema_extra=used_by(*LISTS),
    )


def _set(value: Any) -> bool:
    return value not in ("", None, [], False)


def _collection(config: Config) -> str:
    return "/posts" if "post" in config.operation else "/pages"


def _fields(config: Config, used: dict[str, str]) -> dict[str, Any]:
    allowed = set(Config.model_fields)
    values = {name: getattr(config, name) for name in used if name in allowed}
    return {
        used[name]: value
        for name, value in values.items()
        if _set(value) and config.operation in _operations(name)
    }


def _operations(name: str) -> list[str]:
    return list(extra_of(Config.model_fields[name]).get("operations", []))


def _write(secret: Secret, config: Config) -> Any:
    path = _collection(config)
    body = _fields(config, BODY)
    if config.operation.startswith("update"):
        path = f"{path}/{config.post_id.strip()}"
    return rest_api.call(secret, "POST", path, what=config.operation, json=body).body


def _get(secret: Secret, config: Config) -> Any:
    params = {"context": config.context} if config.context else {}
    path = f"{_collection(config)}/{config.post_id.strip()}"
    return rest_api.call(secret, "GET", path, what=config.operation, params=params).body


def _list(secret: Secret, config: Config) -> dict[str, Any]:
    """WordPress's pages (`page`, `per_page`) until `X-WP-TotalPages` or max_results."""
    key = config.operation.removeprefix("list_")
    query = _fields(config, QUERY)
    found: list[Any] = []
    page = 1
    while len(found) < config.max_results:
        params = {**query, "page": page, "per_page": min(PER_PAGE, config.max_results)}
        reply = rest_api.call(
            secret, "GET", _collection(config), what=config.operation, params=params
        )
        got = reply.body if isinstance(reply.body, list) else []
        found.extend(got)
        total = int(reply.headers.get("x-wp-totalpages") or 0)
        if not got or page >= total:
            break
        page += 1
    found = found[: config.max_results]
    return {key: found, "count": len(found)}


def run(config: Config, ctx: RunContext) -> Any:
    """What WordPress answers: the post or page written or read; lists {posts|pages, count}."""
    secret, _ = credential_for(ctx, config.operation, ApplicationPassword)
    if config.operation in LISTS:
        return _list(secret, config)
    if config.operation.startswith("get"):
        return _get(secret, config)
    return _write(secret, config)


NODE = NodeType(
    type="app.wordpress",
    label="WordPress",
    category="app",
    description="Creates, updates, gets or lists a WordPress site's posts and pages; outputs "
    "what WordPress answers.",
    Config=Config,
    run=run,
    credential_kinds=(ApplicationPassword.kind,),
    icon="Ⓦ",
    examples=(
        (
            "Save the generated article as a draft post, with credential 4",
            {
                "credential": 4,
                "operation": "create_post",
                "title": "{{ nodes.writer.json.title }}",
                "content": "{{ nodes.writer.json.body }}",
                "status": "draft",
            },
        ),
        (
            "List the 20 latest published posts",
            {"operation": "list_posts", "max_results": 20, "order_by": "date", "order": "desc"},
        ),
        (
            "Put post 42 in categories 3 and 7",
            {"operation": "update_post", "post_id": "42", "categories": [3, 7]},
        ),
        (
            "Read post 42 with its raw content",
            {"operation": "get_post", "post_id": "42", "context": "edit"},
        ),
        (
            "Publish a page titled Contact",
            {"operation": "create_page", "title": "Contact", "status": "publish"},
        ),
        (
            "Read page 12",
            {"operation": "get_page", "post_id": "12"},
        ),
        (
            "List the child pages of page 12",
            {"operation": "list_pages", "parent": "12", "max_results": 50},
        ),
        (
            "Replace the content of page 12",
            {"operation": "update_page", "post_id": "12", "content": "<p>Moved.</p>"},
        ),
    ),
)
