"""app.mysql: n8n's MySQL node v2 operations on a user's MySQL or MariaDB server: run one
parameterised statement, select, insert, update, upsert or delete rows."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

from integrations.mysql import database, statements
from integrations.mysql.credentials import Connection
from integrations.mysql.statements import Sort, Where
from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

MAX_ROWS = 10_000
TABLE_OPERATIONS = ("select", "insert", "update", "upsert", "delete")


def _rows(value: Any) -> Any:
    """`data`: an object (one row), a list of objects (insert: several rows), JSON text of
    either, or a template (checked again once rendered)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        if "{{" in value or "{%" in value:
            return value
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError("must be a JSON object of column values") from None
    if isinstance(value, dict) or (
        isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
    ):
        return value
    raise ValueError('must be an object of column values, e.g. {"id": 7, "name": "Ada"}')


def _each(
    model: type[Where | Sort], rules: list[dict[str, Any]], what: str
) -> list[dict[str, Any]]:
    """Each rule checked by `model` (the form keeps the config flat: plain objects here)."""
    checked = []
    for index, rule in enumerate(rules, start=1):
        try:
            checked.append(model.model_validate(rule).model_dump())
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(map(str, problem["loc"]))
            raise ValueError(f"{what} {index}: {where}: {problem['msg']}") from None
    return checked


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your MySQL connection credential. Needed to run."
    )
    operation: Literal["query", "select", "insert", "update", "upsert", "delete"] = Field(
        "query",
        description="query: run one SQL statement; select: read rows of a table; insert: add "
        "rows; update: change the rows whose match column has a value; upsert: insert, or "
        "update the row with the same key; delete: delete rows, empty or drop a table.",
    )
    sql: str = Field(
        "",
        description="One SQL statement. Put values in as named parameters, never into the "
        "text: SELECT * FROM orders WHERE id = %(id)s (write a literal % as %% when there "
        "are parameters).",
        json_schema_extra=used_by("query", required=True),
    )
    parameters: Any = Field(
        default_factory=dict,
        description='The parameters\' values by name, e.g. {"id": "{{ trigger.body.id }}"}; a '
        "JSON object or list goes in as JSON text.",
        json_schema_extra=used_by("query"),
    )
    table: str = Field(
        "",
        description="The table (or database.table).",
        json_schema_extra=used_by(*TABLE_OPERATIONS, required=True),
    )
    data: Any = Field(
        None,
        description='The row as an object of column values, e.g. {"id": 7, "email": '
        '"{{ trigger.body.email }}"}; insert also takes a list of rows.',
        json_schema_extra=used_by("insert", "update", "upsert", required=True),
    )
    match_column: str = Field(
        "",
        description="The column that finds the row (update) or the table's unique key "
        "(upsert); it is not changed.",
        json_schema_extra=used_by("update", "upsert", required=True),
    )
    match_value: Any = Field(
        None,
        description="update: the value of match_column of the rows to change (empty: data's "
        "value for that column).",
        json_schema_extra=used_by("update"),
    )
    columns: list[str] = Field(
        default_factory=list,
        description="The columns to output (empty: all of them).",
        json_schema_extra=used_by("select"),
    )
    where: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Conditions on the rows, each {column, condition, value}; condition is "
        "equal (default), !=, LIKE, >, <, >=, <=, IS NULL or IS NOT NULL. Empty: every row "
        "(delete with command delete and no conditions deletes every row).",
        examples=[[{"column": "status", "condition": "equal", "value": "open"}]],
        json_schema_extra=used_by("select", "delete"),
    )
    combine: Literal["AND", "OR"] = Field(
        "AND",
        description="Whether a row must meet all the conditions (AND) or any (OR).",
        json_schema_extra=used_by("select", "delete"),
    )
    sort: list[dict[str, Any]] = Field(
        default_factory=list,
        description="The order of the rows, each {column, direction: ASC or DESC}.",
        examples=[[{"column": "created_at", "direction": "DESC"}]],
        json_schema_extra=used_by("select"),
    )
    distinct: bool = Field(
        False, description="Drop duplicate rows.", json_schema_extra=used_by("select")
    )
    return_all: bool = Field(
        False,
        description="Read every row (up to max_rows) instead of limit rows.",
        json_schema_extra=used_by("select"),
    )
    limit: int = Field(
        50,
        ge=1,
        le=MAX_ROWS,
        description="Read at most this many rows unless return_all.",
        json_schema_extra=used_by("select"),
    )
    command: Literal["delete", "truncate", "drop"] = Field(
        "delete",
        description="delete: the rows meeting where; truncate: every row, keeping the table; "
        "drop: the table itself.",
        json_schema_extra=used_by("delete"),
    )
    ignore: bool = Field(
        False,
        description="Skip rows that would duplicate a unique key instead of failing (INSERT "
        "IGNORE).",
        json_schema_extra=used_by("insert"),
    )
    priority: Literal["", "LOW_PRIORITY", "HIGH_PRIORITY"] = Field(
        "",
        description="The INSERT's priority (tables with table-level locks only).",
        json_schema_extra=used_by("insert"),
    )
    max_rows: int = Field(
        1000,
        ge=1,
        le=MAX_ROWS,
        description="Read at most this many rows (up to 10000); truncated says if there were more.",
        json_schema_extra=used_by("query", "select"),
    )
    timeout_seconds: int = Field(
        30, ge=1, le=300, description="Cancel the statement after this many seconds (up to 300)."
    )

    @field_validator("parameters", mode="before")
    @classmethod
    def _parameters(cls, value: Any) -> Any:
        return json_object(value, "parameter values") or {}

    @field_validator("where")
    @classmethod
    def _where(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return _each(Where, value, "condition")

    @field_validator("sort")
    @classmethod
    def _sort(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return _each(Sort, value, "sort rule")

    @field_validator("data", mode="before")
    @classmethod
    def _data(cls, value: Any) -> Any:
        return _rows(value)


def _sql(config: Config) -> tuple[str, Any, int]:
    """The statement, its parameters and how many rows to keep."""
    op = config.operation
    if op == "query":
        if not isinstance(config.parameters, dict):
            raise NodeError("parameters must be a JSON object of parameter values once rendered.")
        return config.sql, config.parameters, config.max_rows
    if op == "select":
        keep = config.max_rows if config.return_all else min(config.limit, config.max_rows)
        sql, values = statements.select(
            config.table,
            config.columns,
            [Where.model_validate(rule) for rule in config.where],
            config.combine,
            [Sort.model_validate(rule) for rule in config.sort],
            keep + 1,  # one more than kept tells whether there were more
            config.distinct,
        )
        return sql, values, keep
    if op == "delete":
        conditions = [Where.model_validate(rule) for rule in config.where]
        return (*statements.delete(config.table, config.command, conditions, config.combine), 0)
    rows = _rendered_rows(config.data)
    if op == "insert":
        return (*statements.insert(config.table, rows, config.ignore, config.priority), 0)
    if len(rows) != 1:
        raise NodeError(f"data must be one object (one row) for {op}, not a list.")
    [row] = rows
    if op == "update":
        matched = config.match_value
        if matched is None or matched == "":
            if config.match_column not in row:
                raise NodeError(
                    f"match_value is empty and data has no {config.match_column}: give the "
                    "value of the rows to update in either."
                )
            matched = row[config.match_column]
        return (*statements.update(config.table, row, config.match_column, matched), 0)
    if config.match_column not in row:
        raise NodeError(f"data must give match_column {config.match_column} for upsert.")
    return (*statements.upsert(config.table, row, config.match_column), 0)


def _rendered_rows(data: Any) -> list[dict[str, Any]]:
    rows = _rows(data)
    if isinstance(rows, dict):
        return [rows]
    if isinstance(rows, list):
        return rows
    raise NodeError("data must be an object of column values once rendered.")


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{rows: [{column: value}], row_count, columns, truncated, insert_id}: row_count is the
    rows read, or the rows the statement changed; insert_id the AUTO_INCREMENT value an
    insert made (its first row's), else null."""
    secret, _ = credential_for(ctx, config.operation, Connection)
    try:
        sql, values, keep = _sql(config)
    except ValueError as error:  # data rendered to something that is not a row
        raise NodeError(f"data {error} once rendered.") from None
    result = database.query(secret, sql, values, max(keep, 1), config.timeout_seconds)
    return {
        "rows": result.rows,
        "row_count": result.row_count,
        "columns": result.columns,
        "truncated": result.truncated,
        "insert_id": result.insert_id,
    }


NODE = NodeType(
    type="app.mysql",
    label="MySQL",
    category="app",
    description="Runs SQL with named parameters, or selects, inserts, updates, upserts and "
    "deletes rows, on your MySQL or MariaDB database; outputs the rows as objects and the "
    "row count.",
    Config=Config,
    run=run,
    credential_kinds=(Connection.kind,),
    icon="⛁",
    examples=(
        (
            "Look up the customer with the email from the webhook body in the customers table, "
            "credential 5",
            {
                "credential": 5,
                "operation": "query",
                "sql": "SELECT * FROM customers WHERE email = %(email)s",
                "parameters": {"email": "{{ trigger.body.email }}"},
            },
        ),
        (
            "Add the order from the webhook (id and total) to the orders table",
            {
                "operation": "insert",
                "table": "orders",
                "data": {"id": "{{ trigger.body.id }}", "total": "{{ trigger.body.total }}"},
            },
        ),
        (
            "Set the status of the order with the webhook's id to paid",
            {
                "operation": "update",
                "table": "orders",
                "match_column": "id",
                "data": {"id": "{{ trigger.body.id }}", "status": "paid"},
            },
        ),
        (
            "Insert the customer from the webhook, or update their name if the email exists",
            {
                "operation": "upsert",
                "table": "customers",
                "match_column": "email",
                "data": {"email": "{{ trigger.body.email }}", "name": "{{ trigger.body.name }}"},
            },
        ),
        (
            "Delete the sessions that expired before the webhook's cutoff",
            {
                "operation": "delete",
                "table": "sessions",
                "command": "delete",
                "where": [
                    {"column": "expires_at", "condition": "<", "value": "{{ trigger.body.cutoff }}"}
                ],
            },
        ),
        (
            "Read the 10 newest open tickets",
            {
                "operation": "select",
                "table": "tickets",
                "where": [{"column": "status", "condition": "equal", "value": "open"}],
                "sort": [{"column": "created_at", "direction": "DESC"}],
                "limit": 10,
            },
        ),
    ),
)
