"""app.postgres: run one parameterised SQL statement on a user's PostgreSQL server (`query`), or,
by explicit choice, one statement given as text, such as the SQL an agent's model writes
(`query_from_text`, read-only unless `read_only` is turned off)."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.operations import OperationConfig, used_by
from integrations.postgres import database
from integrations.postgres.credentials import Connection
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

MAX_ROWS = 10_000


def _object(value: Any) -> Any:
    """`parameters`: an object, JSON text of one, or a template (checked again once rendered)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return {}
    if isinstance(value, str):
        if "{{" in value or "{%" in value:
            return value
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError("must be a JSON object of parameter values") from None
    if not isinstance(value, dict):
        raise ValueError('must be a JSON object of parameter values, e.g. {"id": 42}')
    return value


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your PostgreSQL connection credential. Needed to run."
    )
    operation: Literal["query", "query_from_text"] = Field(
        "query",
        description="query: run one SQL statement and output its rows. query_from_text (Run "
        "the SQL given): run the SQL statement a template gives, such as an agent tool's "
        "argument, read-only unless read_only is off.",
    )
    sql: str = Field(
        "",
        description="One SQL statement. Put values in as named parameters, never into the "
        "text: SELECT * FROM orders WHERE id = %(id)s (write a literal % as %%).",
        json_schema_extra=used_by("query", required=True),
    )
    statement: str = Field(
        "",
        description="The SQL statement to run as it is, usually a template giving all of it, "
        "e.g. {{ trigger.sql_query }} in a workflow an agent calls as its tool. One statement, "
        "no parameters (a % is a percent sign). Whoever writes it writes the SQL: keep "
        "read_only on unless they may change data.",
        json_schema_extra=used_by("query_from_text", required=True),
    )
    read_only: bool = Field(
        True,
        description="Run the statement in a READ ONLY transaction, rolled back afterwards: "
        "PostgreSQL refuses any INSERT, UPDATE, DELETE or DDL. Off: the statement may change "
        "data and commits; give the credential a role that may change only what it should.",
        json_schema_extra=used_by("query_from_text"),
    )
    parameters: Any = Field(
        default_factory=dict,
        description='The parameters\' values by name, e.g. {"id": "{{ trigger.body.id }}"}; a '
        "JSON object goes in as jsonb, a list as an array.",
        json_schema_extra=used_by("query"),
    )
    max_rows: int = Field(
        1000,
        ge=1,
        le=MAX_ROWS,
        description="Read at most this many rows (up to 10000); truncated says if there were more.",
        json_schema_extra=used_by("query", "query_from_text"),
    )
    timeout_seconds: int = Field(
        30,
        ge=1,
        le=300,
        description="Cancel the statement after this many seconds (up to 300).",
        json_schema_extra=used_by("query", "query_from_text"),
    )

    # --- ops ---
    always_output_row: bool = Field(
        False,
        description="When the statement returns no rows, output one empty row ({}) in rows "
        "(row_count stays 0), as n8n's Always Output Data does, so the steps after it run.",
        json_schema_extra=used_by("query", "query_from_text"),
    )
    # --- end ops ---

    @field_validator("parameters", mode="before")
    @classmethod
    def _parameters(cls, value: Any) -> Any:
        return _object(value)


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{rows: [{column: value}], row_count, columns, truncated}: row_count is the server's count
    (rows returned, or rows changed by INSERT/UPDATE/DELETE); with always_output_row, rows is
    [{}] when the statement returned none."""
    secret, _ = credential_for(ctx, config.operation, Connection)
    if config.operation == "query_from_text":
        if not config.statement.strip():
            raise NodeError("statement rendered empty; it needs the SQL statement to run.")
        if "\x00" in config.statement:  # libpq would cut the text there
            raise NodeError("statement holds a NUL character, which SQL text cannot.")
        result = database.query_given(
            secret, config.statement, config.read_only, config.max_rows, config.timeout_seconds
        )
    else:
        if not isinstance(config.parameters, dict):
            raise NodeError("parameters must be a JSON object of parameter values once rendered.")
        result = database.query(
            secret, config.sql, config.parameters, config.max_rows, config.timeout_seconds
        )
    rows = result.rows
    if config.always_output_row and not rows:  # ops
        rows = [{}]
    return {
        "rows": rows,
        "row_count": result.row_count,
        "columns": result.columns,
        "truncated": result.truncated,
    }


NODE = NodeType(
    type="app.postgres",
    label="PostgreSQL",
    category="app",
    description="Runs one SQL statement with named parameters on your PostgreSQL database, or "
    "(Run the SQL given) a statement a template gives, read-only by default; outputs the rows "
    "as objects and the row count.",
    Config=Config,
    run=run,
    credential_kinds=(Connection.kind,),
    icon="⛁",
    examples=(
        (
            "Look up the customer with the email from the webhook body in the customers table, "
            "credential 8",
            {
                "credential": 8,
                "operation": "query",
                "sql": "SELECT * FROM customers WHERE email = %(email)s",
                "parameters": {"email": "{{ trigger.body.email }}"},
            },
        ),
        (
            "Insert the order (id and total from the webhook) into orders and return its row",
            {
                "operation": "query",
                "sql": "INSERT INTO orders (id, total) VALUES (%(id)s, %(total)s) RETURNING *",
                "parameters": {"id": "{{ trigger.body.id }}", "total": "{{ trigger.body.total }}"},
            },
        ),
        (
            "Run the SQL query the agent gives as the sql_query input, read-only, credential 8",
            {
                "credential": 8,
                "operation": "query_from_text",
                "statement": "{{ trigger.sql_query }}",
                "read_only": True,
            },
        ),
    ),
)
