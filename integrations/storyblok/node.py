"""app.storyblok: stories of a Storyblok space listed, read, published, unpublished and
deleted through the Management API, as n8n's Storyblok node does."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from integrations.storyblok import management_api
from integrations.storyblok.credentials import ManagementToken
from workfuse.lib.node_run import RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["list_stories", "get_story", "publish_story", "unpublish_story", "delete_story"]
BY_ID = ("get_story", "publish_story", "unpublish_story", "delete_story")
PAGE = 100
MAX_RESULTS = 5000


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Storyblok Management API token credential. Needed to run."
    )
    operation: Operation = Field(
        "list_stories",
        description="list_stories: the space's stories (optionally those whose slug starts "
        "with a prefix). get_story / publish_story / unpublish_story / delete_story: one "
        "story by id.",
    )
    space_id: str = Field(
        "",
        description="The space's numeric id.",
        json_schema_extra=used_by("list_stories", *BY_ID, required=True),
    )
    story_id: str = Field(
        "",
        description="The story's numeric id.",
        json_schema_extra=used_by(*BY_ID, required=True),
    )
    starts_with: str = Field(
        "",
        description="list_stories: only stories whose full slug starts with this (`blog/`).",
        json_schema_extra=used_by("list_stories"),
    )
    max_results: int = Field(
        50,
        ge=1,
        le=MAX_RESULTS,
        description=f"list_stories: keep at most this many (1 to {MAX_RESULTS}).",
        json_schema_extra=used_by("list_stories"),
    )
    release_id: str = Field(
        "",
        description="publish_story: publish into this release instead of now.",
        json_schema_extra=used_by("publish_story"),
    )
    language: str = Field(
        "",
        description="publish_story: publish only this language (enabled in the space).",
        json_schema_extra=used_by("publish_story"),
    )


def _list(secret: Secret, config: Config, stories: str) -> list[Any]:
    found: list[Any] = []
    page = 1
    while len(found) < config.max_results:
        query: dict[str, Any] = {"page": page, "per_page": PAGE}
        if config.starts_with:
            query["starts_with"] = config.starts_with
        answer = management_api.call(secret, "GET", stories, what="list_stories", params=query)
        batch = answer.get("stories") if isinstance(answer, dict) else None
        if not batch:
            break
        found += batch
        if len(batch) < PAGE:
            break
        page += 1
    return found[: config.max_results]


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the story (get, publish, unpublish, delete); list_stories: {stories,
    count}."""
    secret, _ = credential_for(ctx, config.operation, ManagementToken)
    op, stories = config.operation, f"/spaces/{config.space_id.strip()}/stories"
    if op == "list_stories":
        found = _list(secret, config, stories)
        return {"stories": found, "count": len(found)}
    story = f"{stories}/{config.story_id.strip()}"
    if op == "get_story":
        answer = management_api.call(secret, "GET", story, what=op)
    elif op == "delete_story":
        answer = management_api.call(secret, "DELETE", story, what=op)
    elif op == "unpublish_story":
        answer = management_api.call(secret, "GET", f"{story}/unpublish", what=op)
    else:
        query = {"release_id": config.release_id, "lang": config.language}
        params = {k: v for k, v in query.items() if v}
        answer = management_api.call(secret, "GET", f"{story}/publish", what=op, params=params)
    return answer.get("story", answer) if isinstance(answer, dict) else answer


NODE = NodeType(
    type="app.storyblok",
    label="Storyblok",
    category="app",
    description="Lists, reads, publishes, unpublishes and deletes the stories of a Storyblok "
    "space (Management API).",
    Config=Config,
    run=run,
    credential_kinds=(ManagementToken.kind,),
    icon="Ⓢ",
    examples=(
        (
            "List the Storyblok stories of space 96940 whose slug starts with release, with "
            "credential 6",
            {
                "credential": 6,
                "operation": "list_stories",
                "space_id": "96940",
                "starts_with": "release",
            },
        ),
        (
            "Read Storyblok story 1234 of space 96940",
            {"operation": "get_story", "space_id": "96940", "story_id": "1234"},
        ),
        (
            "Publish Storyblok story 1234 of space 96940",
            {"operation": "publish_story", "space_id": "96940", "story_id": "1234"},
        ),
        (
            "Unpublish Storyblok story 1234 of space 96940",
            {"operation": "unpublish_story", "space_id": "96940", "story_id": "1234"},
        ),
        (
            "Delete Storyblok story 1234 of space 96940",
            {"operation": "delete_story", "space_id": "96940", "story_id": "1234"},
        ),
    ),
)
