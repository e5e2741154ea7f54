"""app.supabase: insert, select, update and delete rows of a Supabase table through its REST
API (PostgREST), with filters built from conditions or written as PostgREST query text."""

from __future__ import annotations

from typing import Any, Literal, Self
from urllib.parse import parse_qsl

from pydantic import ConfigDict, Field, field_validator, model_validator

from integrations.operations import OperationConfig, field_errors, json_list, json_object, used_by
from integrations.service import credential_for
from integrations.supabase import rest_api
from integrations.supabase.credentials import ServiceKey
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["insert_rows", "select_rows", "update_rows", "delete_rows"]
FILTERED = ("select_rows", "update_rows", "delete_rows")
PAGE_SIZE = 1000  # Supabase's default cap on rows per answer
MAX_ROWS = 5000  # rows one select step reads at most
RESERVED = set(',().:"\\ ')  # characters PostgREST needs quoted inside or=(...)


OPERATORS = (
    "eq",
    "neq",
    "gt",
    "gte",
    "lt",
    "lte",
    "like",
    "ilike",
    "is",
    "fts",
    "plfts",
    "phfts",
    "wfts",
)


def _conditions(value: Any) -> Any:
    """Each condition {column, operator, value}; ValueError naming the first wrong one."""
    if not isinstance(value, list):
        return value  # a template, checked once rendered
    for n, condition in enumerate(value, 1):
        if not str(condition.get("column") or "").strip():
            raise ValueError(f"condition {n} names no column")
        if condition.get("operator", "eq") not in OPERATORS:
            raise ValueError(f"condition {n}: operator must be one of {', '.join(OPERATORS)}")
    return value


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Supabase service key credential. Needed to run."
    )
    operation: Operation = Field(
        "insert_rows",
        description="insert_rows: add rows. select_rows: read the rows the filters keep. "
        "update_rows: set values on the rows the filters keep. delete_rows: delete the rows "
        "the filters keep. Writes output the rows written.",
    )
    table: str = Field(
        "",
        description="The table (or view) name.",
        json_schema_extra=used_by("insert_rows", *FILTERED, required=True),
    )
    rows: Any = Field(
        None,
        description='A JSON list of rows, e.g. [{"name": "Ada", "plan": "pro"}]. May be a '
        "template.",
        json_schema_extra=used_by("insert_rows", required=True),
    )
    values: Any = Field(
        None,
        description='The columns to set, as a JSON object, e.g. {"status": "done"}.',
        json_schema_extra=used_by("update_rows", required=True),
    )
    filters: Any = Field(
        None,
        description='Conditions as a JSON list of {"column", "operator", "value"}, e.g. '
        '[{"column": "plan", "operator": "eq", "value": "pro"}]. Operators: eq, neq, gt, gte, '
        "lt, lte, like and ilike (* for %), is (null, true, false), fts, plfts, phfts, wfts "
        "(full text); a column may be a JSON path (data->>id). Which rows they keep depends "
        "on match.",
        json_schema_extra=used_by(*FILTERED),
    )
    match: Literal["all", "any"] = Field(
        "all",
        description="Keep the rows meeting all the conditions, or any of them.",
        json_schema_extra=used_by(*FILTERED),
    )
    filter_string: str = Field(
        "",
        description="Or a PostgREST filter as query text, e.g. status=eq.open&age=gt.30 or "
        "metadata->>id=eq.42.",
        json_schema_extra=used_by(*FILTERED),
    )
    max_rows: int = Field(
        50,
        ge=1,
        le=MAX_ROWS,
        description="select_rows: read at most this many rows (1 to 5000).",
        json_schema_extra=used_by("select_rows"),
    )

    @field_validator("rows", mode="before")
    @classmethod
    def _rows(cls, value: Any) -> Any:
        return json_list(value, "rows")

    @field_validator("filters", mode="before")
    @classmethod
    def _filters(cls, value: Any) -> Any:
        return _conditions(json_list(value, "conditions"))

    @field_validator("values", mode="before")
    @classmethod
    def _values(cls, value: Any) -> Any:
        return json_object(value, "column values")

    @model_validator(mode="after")
    def _bounded(self) -> Self:
        if self.operation in ("update_rows", "delete_rows") and not (
            self.filters or self.filter_string.strip()
        ):
            message = "Give a filter: without one every row of the table would change."
            raise field_errors(self, {"filters": message})
        return self


def _quoted(value: str) -> str:
    if not value or not (set(value) & RESERVED):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _query(config: Config) -> list[tuple[str, str]]:
    """The PostgREST query of the filters: each condition as `column=op.value` (all), or one
    `or=(column.op.value,…)` (any); then the filter string's own parameters."""
    query: list[tuple[str, str]] = []
    conditions = [
        (str(c["column"]).strip(), str(c.get("operator") or "eq"), _text(c.get("value")))
        for c in _conditions(config.filters or [])
    ]
    if conditions and config.match == "any":
        parts = [f"{column}.{op}.{_quoted(value)}" for column, op, value in conditions]
        query.append(("or", f"({','.join(parts)})"))
    else:
        query += [(column, f"{op}.{value}") for column, op, value in conditions]
    query += parse_qsl(config.filter_string.strip().lstrip("?&"), keep_blank_values=True)
    return query


def _rows(answer: Any, what: str) -> dict[str, Any]:
    if not isinstance(answer, list):
        raise NodeError(f"Supabase answered {what} without the list of rows.")
    return {"rows": answer, "count": len(answer)}


def _select(secret: Secret, config: Config) -> dict[str, Any]:
    rows: list[Any] = []
    while len(rows) < config.max_rows:
        size = min(PAGE_SIZE, config.max_rows - len(rows))
        params = [*_query(config), ("limit", str(size)), ("offset", str(len(rows)))]
        page = rest_api.call(secret, "GET", config.table, what="select_rows", params=params)
        got = _rows(page, "select_rows")["rows"]
        rows.extend(got)
        if len(got) < size:
            break
    return {"rows": rows, "count": len(rows)}


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{rows, count}: the rows inserted, read, updated or deleted, as Supabase returns them."""
    secret, _ = credential_for(ctx, config.operation, ServiceKey)
    op = config.operation
    if op == "select_rows":
        return _select(secret, config)
    if op == "insert_rows":
        answer = rest_api.call(secret, "POST", config.table, what=op, json=config.rows or [])
    elif op == "update_rows":
        answer = rest_api.call(
            secret, "PATCH", config.table, what=op, params=_query(config), json=config.values
        )
    else:
        answer = rest_api.call(secret, "DELETE", config.table, what=op, params=_query(config))
    return _rows(answer, op)


NODE = NodeType(
    type="app.supabase",
    label="Supabase",
    category="app",
    description="Inserts, selects (filtered), updates or deletes rows of a Supabase table; "
    "outputs the rows ({rows, count}).",
    Config=Config,
    run=run,
    credential_kinds=(ServiceKey.kind,),
    icon="⚡",
    examples=(
        (
            "Add the sign-up to the users table, with credential 5",
            {
                "credential": 5,
                "operation": "insert_rows",
                "table": "users",
                "rows": [{"email": "{{ trigger.body.email }}", "name": "{{ trigger.body.name }}"}],
            },
        ),
        (
            "Find the user whose telegram_id is the chat's id",
            {
                "operation": "select_rows",
                "table": "users",
                "filters": [{"column": "telegram_id", "operator": "eq", "value": "12345"}],
                "max_rows": 1,
            },
        ),
        (
            "Mark order 42 as shipped",
            {
                "operation": "update_rows",
                "table": "orders",
                "filters": [{"column": "id", "operator": "eq", "value": "42"}],
                "values": {"status": "shipped"},
            },
        ),
        (
            "Delete the documents whose metadata id is 7",
            {
                "operation": "delete_rows",
                "table": "documents",
                "filter_string": "metadata->>id=eq.7",
            },
        ),
    ),
)
