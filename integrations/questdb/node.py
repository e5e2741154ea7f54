"""app.questdb: a SQL statement run on QuestDB, or a row inserted and the table read back, as
n8n's QuestDB node does, over PostgreSQL's wire protocol (the PostgreSQL integration's
connection: the private-network guard, no libpq side settings).

QuestDB is not PostgreSQL: it has no `statement_timeout` to bound a statement (its server's
`query.timeout.sec` does) and its transactions are limited, so each statement runs on its own
(autocommit), as n8n's QuestDB node sends them."""

from __future__ import annotations

import json
import re
from typing import Any, Literal

import psycopg
from psycopg import sql as pgsql
from pydantic import Field, field_validator

from integrations import http
from integrations.operations import OperationConfig, json_object, used_by
from integrations.postgres import database
from integrations.questdb.credentials import Connection
from integrations.service import credential_for, read_fields
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

API = http.Api("QuestDB")
MAX_ROWS = 10_000
# n8n's "name:cast" columns: the cast is a type name, never SQL of the user's choosing.
CAST = re.compile(r"^[A-Za-z_][A-Za-z0-9_ ]*(\(\d+(,\s*\d+)?\))?(\[\])?$")


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your QuestDB connection credential. Needed to run."
    )
    operation: Literal["query", "insert"] = Field(
        "query",
        description="query: run one SQL statement and output its rows. insert: insert a row "
        "into a table, then output the table's rows (as n8n's QuestDB node does).",
    )
    sql: str = Field(
        "",
        description="query: one SQL statement. Put values in as named parameters, never into "
        "the text: SELECT * FROM trades WHERE symbol = %(symbol)s (write a literal % as %%).",
        json_schema_extra=used_by("query", required=True),
    )
    parameters: Any = Field(
        None,
        description='query: the parameters\' values by name, e.g. {"symbol": "{{ item.symbol }}"}.',
        json_schema_extra=used_by("query"),
    )
    table: str = Field(
        "",
        description="insert: the table to insert into and read back.",
        json_schema_extra=used_by("insert", required=True),
    )
    columns: list[str] = Field(
        default_factory=list,
        description="insert: the columns to fill from the row's fields of the same names, "
        'e.g. ["id", "name"]; "ts:timestamp" casts the value.',
        json_schema_extra=used_by("insert", required=True),
    )
    row: Any = Field(
        None,
        description="insert: the object whose fields fill the columns (a missing field is "
        "null), e.g. {{ item }}.",
        json_schema_extra=used_by("insert", required=True),
    )
    return_fields: str = Field(
        "*",
        description="insert: the columns to read back from the table, comma-separated (* for all).",
        json_schema_extra=used_by("insert"),
    )
    always_output_data: bool = Field(
        False,
        description="Output one empty row when the statement returns none (n8n's 'Always "
        "Output Data'), so the nodes after it still run once.",
    )
    max_rows: int = Field(
        1000,
        ge=1,
        le=MAX_ROWS,
        description="Read at most this many rows (up to 10000); truncated says if there were more.",
    )

    @field_validator("parameters", mode="before")
    @classmethod
    def _parameters(cls, value: Any) -> Any:
        return json_object(value, "parameter values")

    @field_validator("columns", mode="before")
    @classmethod
    def _columns(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [c.strip() for c in value.split(",") if c.strip()]
        return value

    @field_validator("columns")
    @classmethod
    def _casts(cls, value: list[str]) -> list[str]:
        for column in value:
            name, _, cast = column.partition(":")
            if not name.strip() or (cast and not CAST.match(cast.strip())):
                raise ValueError(f"{column!r} is not a column name with an optional :type")
        return value


def _rows(
    cursor: psycopg.Cursor[dict[str, Any]], max_rows: int
) -> tuple[list[str], list[dict[str, Any]], bool]:
    if cursor.description is None:
        return [], [], False
    rows = cursor.fetchmany(max_rows + 1)
    columns = [column.name for column in cursor.description]
    return columns, [database.json_safe(r) for r in rows[:max_rows]], len(rows) > max_rows


def _value(value: Any) -> Any:
    # n8n's pg-promise sends an object as JSON text; QuestDB has no jsonb.
    return json.dumps(value) if isinstance(value, dict) else value


def _insert(config: Config) -> tuple[pgsql.Composed, dict[str, Any]]:
    if not isinstance(config.row, dict):
        raise NodeError("row must render to a JSON object of the row's fields.")
    names, values, params = [], [], {}
    for i, column in enumerate(config.columns):
        name, _, cast = (part.strip() for part in column.partition(":"))
        names.append(pgsql.Identifier(name))
        placeholder: pgsql.Composable = pgsql.Placeholder(f"c{i}")
        values.append(
            pgsql.SQL("{}::{}").format(placeholder, pgsql.SQL(cast)) if cast else placeholder
        )
        params[f"c{i}"] = _value(config.row.get(name))
    statement = pgsql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        pgsql.Identifier(config.table), pgsql.SQL(", ").join(names), pgsql.SQL(", ").join(values)
    )
    return statement, params


def _read_back(config: Config) -> pgsql.Composed:
    fields = [f.strip() for f in config.return_fields.split(",") if f.strip()] or ["*"]
    listed = pgsql.SQL(", ").join(
        pgsql.SQL("*") if f == "*" else pgsql.Identifier(f) for f in fields
    )
    return pgsql.SQL("SELECT {} FROM {}").format(listed, pgsql.Identifier(config.table))


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{rows, row_count, columns, truncated}: a query's rows; an insert's table read back."""
    secret, _ = credential_for(ctx, config.operation, Connection)
    parameters = config.parameters or {}
    if not isinstance(parameters, dict):
        raise NodeError("parameters must be a JSON object of parameter values once rendered.")
    with database.connect(secret, API) as connection:
        connection.autocommit = True
        what = "the query" if config.operation == "query" else f"the insert into {config.table}"
        try:
            with connection.cursor() as cursor:
                if config.operation == "query":
                    cursor.execute(config.sql, parameters or None)
                else:
                    cursor.execute(*_insert(config))
                    what = f"reading {config.table} back"
                    cursor.execute(_read_back(config))
                columns, rows, truncated = _rows(cursor, config.max_rows)
                count = cursor.rowcount
        except KeyError as missing:
            raise NodeError(
                f"The SQL uses the parameter %({missing.args[0]})s, which parameters does not give."
            ) from None
        except psycopg.Error as error:
            raise database.failure(secret, what, error, API) from None
    if not rows and config.always_output_data:
        rows = [{}]
    return {"rows": rows, "row_count": count, "columns": columns, "truncated": truncated}


def check_connection(secret: Secret) -> str:
    """SELECT 1, changing nothing."""
    fields = read_fields(Connection, secret)
    with database.connect(secret, API) as connection:
        try:
            connection.execute("SELECT 1")
        except psycopg.Error as error:
            raise database.failure(secret, "SELECT 1", error, API) from None
    return f"Connected to QuestDB as {fields.username} on {fields.host}:{fields.port}."


NODE = NodeType(
    type="app.questdb",
    label="QuestDB",
    category="app",
    description="Runs one SQL statement on your QuestDB server, or inserts a row into a table "
    "and reads the table back; outputs the rows as objects.",
    Config=Config,
    run=run,
    credential_kinds=(Connection.kind,),
    icon="⏱",
    examples=(
        (
            "Create the table test with an int id and a string name in QuestDB, credential 4",
            {
                "credential": 4,
                "operation": "query",
                "sql": "CREATE TABLE test (id INT, name STRING)",
            },
        ),
        (
            "Insert the item's id and name into the QuestDB table test",
            {
                "operation": "insert",
                "table": "test",
                "columns": ["id", "name"],
                "row": "{{ item }}",
            },
        ),
    ),
)
