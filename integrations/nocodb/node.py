"""app.nocodb: rows of a NocoDB table created, read, listed, updated and deleted."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from integrations.nocodb import data_api
from integrations.nocodb.credentials import ApiToken
from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["create_row", "get_row", "list_rows", "update_row", "delete_row"]
ALL: tuple[str, ...] = ("create_row", "get_row", "list_rows", "update_row", "delete_row")
BY_ID = ("get_row", "update_row", "delete_row")
PAGE = 1000  # NocoDB's largest page
MAX_ROWS = 10_000


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your NocoDB API token credential. Needed to run."
    )
    operation: Operation = Field(
        "create_row",
        description="create_row: a new row. get_row / update_row / delete_row: one row by id. "
        "list_rows: the table's rows.",
    )
    table_id: str = Field(
        "",
        description="The table's id (m…, from the table's API snippet or its URL).",
        json_schema_extra=used_by(*ALL, required=True),
    )
    row_id: str = Field(
        "", description="The row's Id.", json_schema_extra=used_by(*BY_ID, required=True)
    )
    fields: Any = Field(
        None,
        description='The row\'s columns as a JSON object: {"Title": "…", "Done": true} '
        "(update_row: only the columns to change).",
        json_schema_extra=used_by("create_row", "update_row", required=True),
    )
    where: str = Field(
        "",
        description="list_rows: a NocoDB filter, e.g. (Status,eq,Open)~and(Priority,gt,2).",
        json_schema_extra=used_by("list_rows"),
    )
    sort: str = Field(
        "",
        description="list_rows: columns to sort by, comma-separated; a leading - sorts "
        "descending (-CreatedAt).",
        json_schema_extra=used_by("list_rows"),
    )
    max_results: int = Field(
        50,
        ge=1,
        le=MAX_ROWS,
        description="list_rows: keep at most this many rows.",
        json_schema_extra=used_by("list_rows"),
    )

    @field_validator("fields", mode="before")
    @classmethod
    def _object(cls, value: Any) -> Any:
        return json_object(value, "NocoDB columns")


def _columns(config: Config) -> dict[str, Any]:
    if not isinstance(config.fields, dict):
        raise NodeError("fields must render to a JSON object of NocoDB columns.")
    return config.fields


def _list(secret: Secret, config: Config, path: str) -> list[Any]:
    rows: list[Any] = []
    while len(rows) < config.max_results:
        params: dict[str, Any] = {"limit": min(PAGE, config.max_results), "offset": len(rows)}
        if config.where:
            params["where"] = config.where
        if config.sort:
            params["sort"] = config.sort
        page = data_api.call(secret, "GET", path, what="list_rows", params=params) or {}
        found = page.get("list") or []
        rows.extend(found)
        if not found or (page.get("pageInfo") or {}).get("isLastPage", True):
            break
    return rows[: config.max_results]


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the row sent with its new Id (create_row), the row (get_row),
    {rows, count} (list_rows), the changes with the Id (update_row), {Id} (delete_row)."""
    secret, _ = credential_for(ctx, config.operation, ApiToken)
    op = config.operation
    path = f"/tables/{config.table_id.strip()}/records"
    row_id: Any = config.row_id.strip()
    if row_id.isdigit():
        row_id = int(row_id)
    if op == "create_row":
        columns = _columns(config)
        made = data_api.call(secret, "POST", path, what=op, json=columns) or {}
        return {**columns, **made}
    if op == "get_row":
        return data_api.call(secret, "GET", f"{path}/{row_id}", what=op)
    if op == "list_rows":
        rows = _list(secret, config, path)
        return {"rows": rows, "count": len(rows)}
    if op == "update_row":
        changes = {**_columns(config), "Id": row_id}
        data_api.call(secret, "PATCH", path, what=op, json=changes)
        return changes
    return data_api.call(secret, "DELETE", path, what=op, json={"Id": row_id})


NODE = NodeType(
    type="app.nocodb",
    label="NocoDB",
    category="app",
    description="Creates, reads, lists, updates and deletes rows of a NocoDB table.",
    Config=Config,
    run=run,
    credential_kinds=(ApiToken.kind,),
    icon="▤",
    examples=(
        (
            "Add a row Title Hello to the NocoDB table mhbalmu9aaqcun6, credential 7",
            {
                "credential": 7,
                "operation": "create_row",
                "table_id": "mhbalmu9aaqcun6",
                "fields": {"Title": "Hello"},
            },
        ),
        (
            "Read row 3 of the NocoDB table mhbalmu9aaqcun6",
            {"operation": "get_row", "table_id": "mhbalmu9aaqcun6", "row_id": "3"},
        ),
        (
            "List the NocoDB rows of table mhbalmu9aaqcun6 whose Status is Open",
            {"operation": "list_rows", "table_id": "mhbalmu9aaqcun6", "where": "(Status,eq,Open)"},
        ),
        (
            "Set Status to Done on row 3 of the NocoDB table mhbalmu9aaqcun6",
            {
                "operation": "update_row",
                "table_id": "mhbalmu9aaqcun6",
                "row_id": "3",
                "fields": {"Status": "Done"},
            },
        ),
        (
            "Delete row 3 of the NocoDB table mhbalmu9aaqcun6",
            {"operation": "delete_row", "table_id": "mhbalmu9aaqcun6", "row_id": "3"},
        ),
    ),
)
