"""app.webflow: the items of a Webflow CMS collection created, read, listed, updated and
deleted (staged, or published live), as n8n's Webflow node (version 2) does."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from integrations.operations import OperationConfig, json_object, rendered_object, used_by
from integrations.service import credential_for
from integrations.webflow import rest_api
from integrations.webflow.credentials import ApiToken
from workfuse.lib.node_run import RunContext
from workfuse.lib.node_types import NodeType

MAX_RESULTS = 5000
Operation = Literal["create_item", "get_item", "list_items", "update_item", "delete_item"]
BY_ID = ("get_item", "update_item", "delete_item")
WRITES = ("create_item", "update_item")


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Webflow API token credential. Needed to run."
    )
    operation: Operation = Field(
        "get_item",
        description="create_item: a new item. get_item / update_item / delete_item: one item "
        "by id. list_items: the collection's items.",
    )
    collection_id: str = Field(
        "",
        description="The CMS collection's id.",
        json_schema_extra=used_by("create_item", "list_items", *BY_ID, required=True),
    )
    item_id: str = Field(
        "", description="The item's id.", json_schema_extra=used_by(*BY_ID, required=True)
    )
    fields: Any = Field(
        None,
        description='The item\'s field values by field slug, e.g. {"name": "Ada", "slug": '
        '"ada"} (a JSON object, or a template that renders to one).',
        json_schema_extra=used_by(*WRITES),
    )
    live: bool = Field(
        False,
        description="create_item / update_item: publish the change on the live site too "
        "(Webflow's /live endpoints); otherwise it is staged.",
        json_schema_extra=used_by(*WRITES),
    )
    max_results: int = Field(
        100,
        ge=1,
        le=MAX_RESULTS,
        description=f"list_items: keep at most this many (1 to {MAX_RESULTS}).",
        json_schema_extra=used_by("list_items"),
    )

    @field_validator("fields")
    @classmethod
    def _fields(cls, value: Any) -> Any:
        return json_object(value, "field values")


def run(config: Config, ctx: RunContext) -> Any:
    """The item (create, get, update: Webflow's answer, as n8n outputs it: `id`, `fieldData`,
    `isDraft`, …); list_items: {items, count}; delete_item: {success}, true when Webflow
    answered 204 (n8n's test)."""
    secret, _ = credential_for(ctx, config.operation, ApiToken)
    op = config.operation
    items = f"/collections/{config.collection_id.strip()}/items"
    one = f"{items}/{config.item_id.strip()}"
    live = "/live" if config.live else ""
    if op in WRITES:
        body = {"fieldData": rendered_object(config.fields, "fields")}
        path, method = (
            (f"{items}{live}", "POST") if op == "create_item" else (f"{one}{live}", "PATCH")
        )
        return rest_api.call(secret, method, path, what=op, json=body)
    if op == "list_items":
        found = rest_api.every(secret, items, config.max_results, what=op)
        return {"items": found, "count": len(found)}
    if op == "get_item":
        return rest_api.call(secret, "GET", one, what=op)
    reply = rest_api.send(secret, "DELETE", one, what=op)
    return {"success": reply.status == 204}


NODE = NodeType(
    type="app.webflow",
    label="Webflow",
    category="app",
    description="Creates, reads, lists, updates and deletes the items of a Webflow CMS collection.",
    Config=Config,
    run=run,
    credential_kinds=(ApiToken.kind,),
    icon="🌐",
    examples=(
        (
            "Add a live item named Ada with slug ada to Webflow collection 6500abc with "
            "credential 2",
            {
                "credential": 2,
                "operation": "create_item",
                "collection_id": "6500abc",
                "fields": {"name": "Ada", "slug": "ada"},
                "live": True,
            },
        ),
        (
            "List every item of Webflow collection 6500abc",
            {"operation": "list_items", "collection_id": "6500abc", "max_results": MAX_RESULTS},
        ),
        (
            "Delete item 66aa of Webflow collection 6500abc",
            {"operation": "delete_item", "collection_id": "6500abc", "item_id": "66aa"},
        ),
        (
            "Read item 66aa of Webflow collection 6500abc",
            {"operation": "get_item", "collection_id": "6500abc", "item_id": "66aa"},
        ),
        (
            "Set the role of item 66aa in Webflow collection 6500abc to CTO",
            {
                "operation": "update_item",
                "collection_id": "6500abc",
                "item_id": "66aa",
                "fields": {"role": "CTO"},
            },
        ),
    ),
)
