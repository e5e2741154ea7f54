"""app.baserow: a table's rows read (one, or many with filters, search and order), created,
updated and deleted.

The API names fields by id (`field_5870`); as n8n's Baserow node does, the node reads the
table's fields first, sends the values given by field name (or by `field_<id>`) under their
ids, and answers rows keyed by field name."""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

from pydantic import ConfigDict, Field, field_validator

from integrations.baserow import rest_api
from integrations.baserow.credentials import DatabaseToken
from integrations.operations import OperationConfig, json_list, json_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["list_rows", "get_row", "create_row", "update_row", "delete_row"]
OPERATIONS: tuple[str, ...] = get_args(Operation)
BY_ROW = ("get_row", "update_row", "delete_row")
WRITES = ("create_row", "update_row")
FIELD_ID = re.compile(r"^field_(\d+)$")
OPERATOR = re.compile(r"^[a-z_]+$")
PAGE_SIZE = 200  # Baserow's largest page
MAX_ROWS = 10_000


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Baserow database token credential. Needed to run."
    )
    operation: Operation = Field(
        "list_rows",
        description="list_rows: a table's rows, filtered, searched and ordered. get_row / "
        "delete_row: one row. create_row: add a row. update_row: change the fields given.",
    )
    table_id: str = Field(
        "",
        description="The table's id (the number after /table/ in its URL).",
        json_schema_extra=used_by(*OPERATIONS, required=True),
    )
    row_id: str = Field(
        "",
        description="The row's id (its id field, or the number on the row's left).",
        json_schema_extra=used_by(*BY_ROW, required=True),
    )
    fields: Any = Field(
        None,
        description="The row's values by field name (or field_<id>), as a JSON object, e.g. "
        '{"Name": "Ada", "Score": 3, "field_5871": "blog"}. May be a template.',
        json_schema_extra=used_by(*WRITES, required=True),
    )
    filters: Any = Field(
        None,
        description='list_rows: conditions as a JSON list, e.g. [{"field": "Status", '
        '"operator": "equal", "value": "open"}]; field: a name or field_<id>; operator: '
        "Baserow's filter type (equal, not_equal, contains, higher_than, date_equal, empty, "
        "boolean …; default equal).",
        json_schema_extra=used_by("list_rows"),
    )
    filter_type: Literal["AND", "OR"] = Field(
        "AND",
        description="list_rows: whether a row must meet every filter (AND) or one (OR).",
        json_schema_extra=used_by("list_rows"),
    )
    search: str = Field(
        "",
        description="list_rows: only rows with this text in some field.",
        json_schema_extra=used_by("list_rows"),
    )
    order: Any = Field(
        None,
        description='list_rows: sort keys as a JSON list, e.g. [{"field": "Date", "direction": '
        '"desc"}] (direction asc or desc).',
        json_schema_extra=used_by("list_rows"),
    )
    max_results: int = Field(
        MAX_ROWS,
        ge=1,
        le=MAX_ROWS,
        description="list_rows: keep at most this many rows.",
        json_schema_extra=used_by("list_rows"),
    )

    @field_validator("fields", mode="before")
    @classmethod
    def _fields(cls, value: Any) -> Any:
        return json_object(value, "Baserow field values")

    @field_validator("filters", "order", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return json_list(value, "conditions")


def _field_id(key: str, ids: dict[str, str], table: str) -> str:
    """`field_<id>` for a field given by name or as field_<id> (n8n's fieldId: a bare id)."""
    if key in ids:
        return ids[key]
    if FIELD_ID.match(key) or key.isdigit():
        return key if not key.isdigit() else f"field_{key}"
    raise NodeError(
        f"Table {table} has no field named “{key}”; use a field's name as Baserow shows it, or "
        "field_<id>."
    )


def _body(config: Config, ids: dict[str, str]) -> dict[str, Any]:
    values = config.fields
    if not isinstance(values, dict):
        raise NodeError("The fields field must render to a JSON object of Baserow field values.")
    return {_field_id(str(k), ids, config.table_id): v for k, v in values.items()}


def _named(row: Any, names: dict[str, str]) -> Any:
    if not isinstance(row, dict):
        return row
    return {names.get(k, k): v for k, v in row.items()}


def _entries(value: Any, name: str) -> list[dict[str, Any]]:
    """The rendered `filters` or `order`: objects that each name a field."""
    entries = value or []
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and str(e.get("field") or "").strip() for e in entries
    ):
        raise NodeError(f"The {name} field must render to a JSON list of objects with a field.")
    return entries


def _query(config: Config, ids: dict[str, str]) -> dict[str, Any]:
    query: dict[str, Any] = {"size": PAGE_SIZE}
    table = config.table_id
    filters = _entries(config.filters, "filters")
    for rule in filters:
        operator = str(rule.get("operator") or "equal")
        if not OPERATOR.match(operator):
            raise NodeError(f"The filters field has an operator Baserow lacks: “{operator}”.")
        value = rule.get("value", "")
        query[f"filter__{_field_id(str(rule['field']), ids, table)}__{operator}"] = value
    if filters:
        query["filter_type"] = config.filter_type
    if config.search:
        query["search"] = config.search
    order = _entries(config.order, "order")
    if order:
        query["order_by"] = ",".join(
            ("-" if o.get("direction") == "desc" else "") + _field_id(str(o["field"]), ids, table)
            for o in order
        )
    return query


def _rows(secret: Secret, config: Config, ids: dict[str, str]) -> list[Any]:
    path = f"/api/database/rows/table/{config.table_id.strip()}/"
    query = _query(config, ids)
    rows: list[Any] = []
    page = 1
    while len(rows) < config.max_results:
        answer = rest_api.call(
            secret, "GET", path, what="list_rows", params={**query, "page": page}
        )
        results = answer.get("results") if isinstance(answer, dict) else None
        rows.extend(results if isinstance(results, list) else [])
        if not isinstance(answer, dict) or not answer.get("next") or not results:
            break
        page += 1
    return rows[: config.max_results]


def run(config: Config, ctx: RunContext) -> Any:
    """Rows keyed by field name, as n8n outputs them: the row written or read; list_rows
    {rows, count}; delete_row {success: true}."""
    secret, _ = credential_for(ctx, config.operation, DatabaseToken)
    op, table = config.operation, config.table_id.strip()
    names = rest_api.field_names(secret, table)
    ids = {name: field for field, name in names.items()}
    row = f"/api/database/rows/table/{table}/{config.row_id.strip()}/"
    if op == "list_rows":
        rows = [_named(r, names) for r in _rows(secret, config, ids)]
        return {"rows": rows, "count": len(rows)}
    if op == "get_row":
        return _named(rest_api.call(secret, "GET", row, what=op), names)
    if op == "delete_row":
        rest_api.call(secret, "DELETE", row, what=op)
        return {"success": True}
    body = _body(config, ids)
    if op == "create_row":
        path = f"/api/database/rows/table/{table}/"
        return _named(rest_api.call(secret, "POST", path, what=op, json=body), names)
    return _named(rest_api.call(secret, "PATCH", row, what=op, json=body), names)


NODE = NodeType(
    type="app.baserow",
    label="Baserow",
    category="app",
    description="Reads, creates, updates and deletes the rows of a Baserow table, by field "
    "name; outputs the rows as Baserow answers them, keyed by field name.",
    Config=Config,
    run=run,
    credential_kinds=(DatabaseToken.kind,),
    icon="▦",
    examples=(
        (
            "Read the open rows of Baserow table 607, newest date first, with credential 5",
            {
                "credential": 5,
                "operation": "list_rows",
                "table_id": "607",
                "filters": [{"field": "Status", "operator": "equal", "value": "open"}],
                "order": [{"field": "Date", "direction": "desc"}],
            },
        ),
        ("Read row 12 of table 607", {"operation": "get_row", "table_id": "607", "row_id": "12"}),
        (
            "Add a row to table 607 with Summary Good week and Status new",
            {
                "operation": "create_row",
                "table_id": "607",
                "fields": {"Summary": "Good week", "Status": "new"},
            },
        ),
        (
            "Mark row 12 of table 607 done",
            {
                "operation": "update_row",
                "table_id": "607",
                "row_id": "12",
                "fields": {"Status": "done"},
            },
        ),
        (
            "Delete row 12 of table 607",
            {"operation": "delete_row", "table_id": "607", "row_id": "12"},
        ),
    ),
)
