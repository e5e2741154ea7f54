"""app.monday: items of a monday.com board created, read, listed (by group), changed (column
values) and deleted through monday.com's GraphQL API."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from integrations.monday import graphql_api
from integrations.monday.credentials import ApiToken
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["create_item", "get_item", "list_items", "change_columns", "delete_item"]
BY_ITEM = ("get_item", "change_columns", "delete_item")
PAGE = 500  # monday.com's largest items page
MAX_ITEMS = 5000
ITEM_FIELDS = (
    "id name created_at state column_values { id text type value "
    "column { title archived description settings_str } }"
)
CREATE = (
    "mutation ($boardId: ID!, $groupId: String, $itemName: String!, $columnValues: JSON) "
    "{ create_item (board_id: $boardId, group_id: $groupId, item_name: $itemName, "
    "column_values: $columnValues) { id } }"
)
GET = f"query ($itemId: [ID!]) {{ items (ids: $itemId) {{ {ITEM_FIELDS} }} }}"
FIRST_PAGE = (
    "query ($boardId: [ID!], $groupId: [String], $limit: Int) { boards (ids: $boardId) "
    "{ groups (ids: $groupId) { id items_page (limit: $limit) { cursor items { "
    + ITEM_FIELDS
    + " } } } } }"
)
NEXT_PAGE = (
    "query ($cursor: String!, $limit: Int) { next_items_page (cursor: $cursor, limit: $limit) "
    "{ cursor items { " + ITEM_FIELDS + " } } }"
)
CHANGE = (
    "mutation ($boardId: ID!, $itemId: ID!, $columnValues: JSON!) "
    "{ change_multiple_column_values (board_id: $boardId, item_id: $itemId, "
    "column_values: $columnValues) { id } }"
)
DELETE = "mutation ($itemId: ID!) { delete_item (item_id: $itemId) { id } }"


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your monday.com API token credential. Needed to run."
    )
    operation: Operation = Field(
        "create_item",
        description="create_item: a new item in a board (and group). get_item: one item with "
        "its column values. list_items: the items of a board's group. change_columns: set "
        "column values of an item. delete_item: delete an item.",
    )
    board_id: str = Field(
        "",
        description="The board's id (in its URL after /boards/).",
        json_schema_extra=used_by("create_item", "list_items", "change_columns", required=True),
    )
    group_id: str = Field(
        "",
        description="The group's id (topics, new_group…). create_item: empty for the board's "
        "top group. list_items: required.",
        json_schema_extra=used_by("create_item", "list_items", required=("list_items",)),
    )
    item_id: str = Field(
        "", description="The item's id.", json_schema_extra=used_by(*BY_ITEM, required=True)
    )
    name: str = Field(
        "",
        description="The new item's name.",
        json_schema_extra=used_by("create_item", required=True),
    )
    column_values: Any = Field(
        None,
        examples=[{"status": {"label": "Done"}, "date4": {"date": "2026-12-24"}}],
        description="Column values by column id, as monday.com takes them: a JSON object, "
        'e.g. {"status": {"label": "Done"}, "text": "hello"}.',
        json_schema_extra=used_by("create_item", "change_columns", required=("change_columns",)),
    )
    max_results: int = Field(
        50,
        ge=1,
        le=MAX_ITEMS,
        description=f"list_items: at most this many items (up to {MAX_ITEMS}).",
        json_schema_extra=used_by("list_items"),
    )

    @field_validator("column_values", mode="before")
    @classmethod
    def _column_values(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip() and "{{" not in value and "{%" not in value:
            try:
                value = json.loads(value)
            except ValueError:
                raise ValueError("must be a JSON object of column values by column id") from None
        if value not in (None, "") and not isinstance(value, dict | str):
            raise ValueError("must be a JSON object of column values by column id")
        return value


def _columns(config: Config) -> str | None:
    value = config.column_values
    if value in (None, "", {}):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise NodeError("column_values did not render to a JSON object.") from None
    if not isinstance(value, dict):
        raise NodeError("column_values must be a JSON object of values by column id.")
    return json.dumps(value)


def _list(secret: Secret, config: Config) -> list[Any]:
    variables: dict[str, Any] = {
        "boardId": [config.board_id.strip()],
        "groupId": [config.group_id.strip()],
        "limit": min(PAGE, config.max_results),
    }
    data = graphql_api.call(secret, FIRST_PAGE, variables, what="list_items")
    boards = data.get("boards") or []
    groups = (boards[0].get("groups") or []) if boards else []
    if not groups:
        raise NodeError(
            f"monday.com has no group {config.group_id!r} in board {config.board_id!r} that "
            "this token can read; check both ids."
        )
    page = groups[0].get("items_page") or {}
    items: list[Any] = list(page.get("items") or [])
    while page.get("cursor") and len(items) < config.max_results:
        limit = min(PAGE, config.max_results - len(items))
        data = graphql_api.call(
            secret, NEXT_PAGE, {"cursor": page["cursor"], "limit": limit}, what="list_items"
        )
        page = data.get("next_items_page") or {}
        items.extend(page.get("items") or [])
        if not page.get("items"):
            break
    return items[: config.max_results]


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: {id} for create_item, change_columns and delete_item; the item for
    get_item; {items, count} for list_items."""
    secret, _ = credential_for(ctx, config.operation, ApiToken)
    op, item = config.operation, config.item_id.strip()
    if op == "create_item":
        variables = {
            "boardId": config.board_id.strip(),
            "groupId": config.group_id.strip() or None,
            "itemName": config.name,
            "columnValues": _columns(config),
        }
        return graphql_api.call(secret, CREATE, variables, what=op).get("create_item") or {}
    if op == "get_item":
        found = graphql_api.call(secret, GET, {"itemId": [item]}, what=op).get("items") or []
        if not found:
            raise NodeError(f"monday.com has no item {item!r} that this token can read.")
        return found[0]
    if op == "list_items":
        items = _list(secret, config)
        return {"items": items, "count": len(items)}
    if op == "change_columns":
        columns = _columns(config)
        if columns is None:
            raise NodeError("change_columns needs column_values: the columns to set.")
        variables = {"boardId": config.board_id.strip(), "itemId": item, "columnValues": columns}
        answer = graphql_api.call(secret, CHANGE, variables, what=op)
        return answer.get("change_multiple_column_values") or {}
    return graphql_api.call(secret, DELETE, {"itemId": item}, what=op).get("delete_item") or {}


NODE = NodeType(
    type="app.monday",
    label="monday.com",
    category="app",
    description="Creates, reads, lists, changes and deletes the items of monday.com boards.",
    Config=Config,
    run=run,
    credential_kinds=(ApiToken.kind,),
    icon="▦",
    examples=(
        (
            "Add an item named after the ticket's subject to group topics of monday.com board "
            "565971708, with credential 4",
            {
                "credential": 4,
                "operation": "create_item",
                "board_id": "565971708",
                "group_id": "topics",
                "name": "{{ trigger.body.subject }}",
            },
        ),
        ("Read monday.com item 1234567890", {"operation": "get_item", "item_id": "1234567890"}),
        (
            "List every item in group topics of board 565971708",
            {
                "operation": "list_items",
                "board_id": "565971708",
                "group_id": "topics",
                "max_results": 5000,
            },
        ),
        (
            "Set the status column of item 1234567890 on board 565971708 to Done",
            {
                "operation": "change_columns",
                "board_id": "565971708",
                "item_id": "1234567890",
                "column_values": {"status": {"label": "Done"}},
            },
        ),
        (
            "Delete monday.com item 1234567890",
            {"operation": "delete_item", "item_id": "1234567890"},
        ),
    ),
)
