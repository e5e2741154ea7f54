"""app.raindrop: bookmarks (raindrops) created in a collection, read and deleted, as n8n's
Raindrop node does them: the bookmark (Raindrop's `item`) is the output."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from integrations.operations import OperationConfig, used_by
from integrations.raindrop import rest_api
from integrations.raindrop.credentials import Token
from integrations.service import credential_for
from workfuse.lib.node_run import RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal["create_bookmark", "get_bookmark", "delete_bookmark"]
BY_ID = ("get_bookmark", "delete_bookmark")


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Raindrop.io access token credential. Needed to run."
    )
    operation: Operation = Field(
        "create_bookmark",
        description="create_bookmark: save a link in a collection. get_bookmark / "
        "delete_bookmark: one bookmark by id.",
    )
    link: str = Field(
        "",
        description="create_bookmark: the URL to save.",
        json_schema_extra=used_by("create_bookmark", required=True)
        | {"examples": ["https://example.com/article"]},
    )
    collection_id: int = Field(
        -1,
        description="create_bookmark: the collection's id (-1: Unsorted).",
        json_schema_extra=used_by("create_bookmark"),
    )
    title: str = Field(
        "", description="create_bookmark: the title.", json_schema_extra=used_by("create_bookmark")
    )
    tags: list[str] = Field(
        [],
        description="create_bookmark: tags (each may hold several, comma-separated).",
        json_schema_extra=used_by("create_bookmark"),
    )
    important: bool = Field(
        False,
        description="create_bookmark: mark it as a favourite.",
        json_schema_extra=used_by("create_bookmark"),
    )
    parse: bool = Field(
        False,
        description="create_bookmark: let Raindrop.io fill in the title, excerpt and cover from "
        "the page.",
        json_schema_extra=used_by("create_bookmark"),
    )
    bookmark_id: str = Field(
        "",
        description="The bookmark's id.",
        json_schema_extra=used_by(*BY_ID, required=True) | {"examples": ["123456"]},
    )


def run(config: Config, ctx: RunContext) -> Any:
    """create / get: the bookmark; delete: Raindrop's `{"result": true}`."""
    secret, _ = credential_for(ctx, config.operation, Token)
    op = config.operation
    if op == "create_bookmark":
        body: dict[str, Any] = {"link": config.link, "collection": {"$id": config.collection_id}}
        if config.title:
            body["title"] = config.title
        if config.tags:
            # n8n splits its comma-separated tags after rendering them: so does this.
            body["tags"] = [t.strip() for tags in config.tags for t in tags.split(",") if t.strip()]
        if config.important:
            body["important"] = True
        if config.parse:
            body["pleaseParse"] = {}
        return rest_api.call(secret, "POST", "/raindrop", what=op, json=body).get("item")
    path = f"/raindrop/{config.bookmark_id.strip()}"
    if op == "get_bookmark":
        return rest_api.call(secret, "GET", path, what=op).get("item")
    return rest_api.call(secret, "DELETE", path, what=op)


NODE = NodeType(
    type="app.raindrop",
    label="Raindrop.io",
    category="app",
    description="Saves links as Raindrop.io bookmarks, reads and deletes them.",
    Config=Config,
    run=run,
    credential_kinds=(Token.kind,),
    icon="💧",
    examples=(
        (
            "Bookmark https://example.com/post in Raindrop tagged youtube, titled Post",
            {
                "operation": "create_bookmark",
                "link": "https://example.com/post",
                "title": "Post",
                "tags": ["youtube"],
            },
        ),
        ("Read Raindrop bookmark 123456", {"operation": "get_bookmark", "bookmark_id": "123456"}),
        (
            "Delete Raindrop bookmark 123456",
            {"operation": "delete_bookmark", "bookmark_id": "123456"},
        ),
    ),
)
