"""app.reddit: posts searched, listed, read, submitted and deleted."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from integrations.operations import OperationConfig, used_by
from integrations.reddit.api import Session
from integrations.reddit.credentials import RedditApp
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal["search_posts", "list_posts", "get_post", "create_post", "delete_post"]
MAX_POSTS = 1000  # Reddit's listings stop near a thousand


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Reddit app credential. Needed to run."
    )
    operation: Operation = Field(
        "search_posts",
        description="search_posts: posts matching a keyword (all of Reddit or one subreddit). "
        "list_posts: a subreddit's hot, new, top or rising posts. get_post: one post. "
        "create_post: submit a text or link post (the credential needs a user). delete_post: "
        "remove the user's post.",
    )
    keyword: str = Field(
        "",
        description="search_posts: what to search for.",
        json_schema_extra=used_by("search_posts", required=True),
    )
    subreddit: str = Field(
        "",
        description="The subreddit's name without r/ (search_posts: empty searches all of Reddit).",
        json_schema_extra=used_by(
            "search_posts",
            "list_posts",
            "get_post",
            "create_post",
            required=("list_posts", "get_post", "create_post"),
        ),
    )
    sort: Literal["", "relevance", "hot", "top", "new", "comments"] = Field(
        "",
        description="search_posts: the order (Reddit's default: relevance).",
        json_schema_extra=used_by("search_posts"),
    )
    category: Literal["hot", "new", "top", "rising"] = Field(
        "hot", description="list_posts: which listing.", json_schema_extra=used_by("list_posts")
    )
    max_results: int = Field(
        100,
        ge=1,
        le=MAX_POSTS,
        description="search_posts / list_posts: keep at most this many posts.",
        json_schema_extra=used_by("search_posts", "list_posts"),
    )
    post_id: str = Field(
        "",
        description="The post's id (base 36, without t3_).",
        json_schema_extra=used_by("get_post", "delete_post", required=True),
    )
    title: str = Field(
        "",
        description="create_post: the title.",
        json_schema_extra=used_by("create_post", required=True),
    )
    kind: Literal["self", "link"] = Field(
        "self",
        description="create_post: self (a text post) or link.",
        json_schema_extra=used_by("create_post"),
    )
    text: str = Field(
        "",
        description="create_post (self): the text, in Markdown.",
        json_schema_extra=used_by("create_post"),
    )
    url: str = Field(
        "", description="create_post (link): the address.", json_schema_extra=used_by("create_post")
    )


def _name(value: str) -> str:
    return value.strip().removeprefix("/").removeprefix("r/").strip("/")


def _search(session: Session, config: Config) -> list[Any]:
    params: dict[str, Any] = {"q": config.keyword, "type": "link"}
    if config.sort:
        params["sort"] = config.sort
    path = "/search"
    if config.subreddit.strip():
        path, params["restrict_sr"] = f"/r/{_name(config.subreddit)}/search", "true"
    return session.listing(path, params, what="search_posts", most=config.max_results)


def _submit(session: Session, config: Config) -> Any:
    if not session.has_user:
        raise NodeError("create_post needs a Reddit credential with a user name and password.")
    form = {
        "sr": _name(config.subreddit),
        "title": config.title,
        "kind": config.kind,
        "api_type": "json",
    }
    form["text" if config.kind == "self" else "url"] = (
        config.text if config.kind == "self" else config.url
    )
    answer = (session.call("POST", "/api/submit", what="create_post", data=form) or {}).get(
        "json"
    ) or {}
    errors = answer.get("errors") or []
    if errors:
        said = "; ".join(
            " ".join(str(part) for part in e[:2]) for e in errors if isinstance(e, list)
        )
        raise NodeError(f"Reddit refused create_post: {said}")
    return answer.get("data") or {}


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: {posts, count} (each post Reddit's `data`) for search_posts and
    list_posts; the post for get_post; Reddit's {id, name, url} for create_post; {success: true}
    for delete_post."""
    secret, _ = credential_for(ctx, config.operation, RedditApp)
    session, op = Session(secret), config.operation
    if op == "search_posts":
        posts = _search(session, config)
        return {"posts": posts, "count": len(posts)}
    if op == "list_posts":
        path = f"/r/{_name(config.subreddit)}/{config.category}"
        posts = session.listing(path, {}, what=op, most=config.max_results)
        return {"posts": posts, "count": len(posts)}
    post_id = config.post_id.strip().removeprefix("t3_")
    if op == "get_post":
        path = f"/r/{_name(config.subreddit)}/comments/{post_id}"
        answer = session.call("GET", path, what=op, params={"raw_json": 1, "limit": 1})
        try:
            return answer[0]["data"]["children"][0]["data"]
        except (KeyError, IndexError, TypeError):
            raise NodeError(f"Reddit answered get_post without the post {post_id}.") from None
    if op == "create_post":
        return _submit(session, config)
    if not session.has_user:
        raise NodeError("delete_post needs a Reddit credential with a user name and password.")
    session.call("POST", "/api/del", what=op, data={"id": f"t3_{post_id}"})
    return {"success": True}


NODE = NodeType(
    type="app.reddit",
    label="Reddit",
    category="app",
    description="Searches, lists and reads Reddit posts, and submits or deletes a user's posts.",
    Config=Config,
    run=run,
    credential_kinds=(RedditApp.kind,),
    icon="◍",
    examples=(
        (
            "Search all of Reddit for the newest posts about n8n, credential 9",
            {"credential": 9, "operation": "search_posts", "keyword": "n8n", "sort": "new"},
        ),
        (
            "List the top 10 posts of r/selfhosted",
            {
                "operation": "list_posts",
                "subreddit": "selfhosted",
                "category": "top",
                "max_results": 10,
            },
        ),
        (
            "Read post 1abc23 of r/selfhosted",
            {"operation": "get_post", "subreddit": "selfhosted", "post_id": "1abc23"},
        ),
        (
            "Post a text titled Weekly update with the text All good to r/test",
            {
                "operation": "create_post",
                "subreddit": "test",
                "title": "Weekly update",
                "text": "All good",
            },
        ),
        (
            "Delete my Reddit post 1abc23",
            {"operation": "delete_post", "post_id": "1abc23"},
        ),
    ),
)
