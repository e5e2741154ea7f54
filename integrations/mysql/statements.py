"""The SQL of app.mysql's table operations, built as n8n's MySQL node v2 builds it: names
quoted with backticks, every value a parameter (hence the `noqa: S608` below: no value is
ever formatted into the SQL, only names through `name`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from workfuse.lib.node_run import NodeError

Condition = Literal["equal", "!=", "LIKE", ">", "<", ">=", "<=", "IS NULL", "IS NOT NULL"]
COMPARISONS = (">", "<", ">=", "<=")


class Where(BaseModel):
    column: str = Field(min_length=1, description="The column to compare.")
    condition: Condition = Field("equal", description="How to compare it.")
    value: Any = Field(None, description="The value (not used by IS NULL and IS NOT NULL).")


class Sort(BaseModel):
    column: str = Field(min_length=1, description="The column to sort by.")
    direction: Literal["ASC", "DESC"] = Field("ASC", description="ASC or DESC.")

    @field_validator("direction", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


def name(identifier: str) -> str:
    """One column's name quoted: a backtick inside is doubled, so a name never ends early;
    a % is doubled for PyMySQL, which fills the statement's %s in with Python's % operator."""
    return "`" + identifier.replace("`", "``").replace("%", "%%") + "`"


def table_name(table: str) -> str:
    """A table, optionally `database.table`, quoted part by part."""
    parts = table.split(".")
    if len(parts) > 2 or not all(part.strip() for part in parts):
        raise NodeError(f"table must be a table's name or database.table, not {table!r}.")
    return ".".join(name(part.strip().strip("`")) for part in parts)


def where_clause(
    conditions: Sequence[Where], combine: Literal["AND", "OR"]
) -> tuple[str, list[Any]]:
    if not conditions:
        return "", []
    parts, values = [], []
    for index, rule in enumerate(conditions, start=1):
        operator = "=" if rule.condition == "equal" else rule.condition
        if rule.condition in ("IS NULL", "IS NOT NULL"):
            parts.append(f"{name(rule.column)} {operator}")
            continue
        value = rule.value
        if rule.condition in COMPARISONS:
            value = _number(value, index)
        parts.append(f"{name(rule.column)} {operator} %s")
        values.append(value)
    return " WHERE " + f" {combine} ".join(parts), values


def _number(value: Any, index: int) -> float | int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise NodeError(
            f"where: condition {index} compares with >, <, >= or <=, which needs a number; "
            f"{value!r} is not one."
        ) from None
    return int(number) if number.is_integer() else number


def select(
    table: str,
    columns: Sequence[str],
    conditions: Sequence[Where],
    combine: Literal["AND", "OR"],
    sort: Sequence[Sort],
    limit: int,
    distinct: bool,
) -> tuple[str, list[Any]]:
    shown = ", ".join(name(c) for c in columns) if columns else "*"
    sql = f"SELECT {'DISTINCT ' if distinct else ''}{shown} FROM {table_name(table)}"  # noqa: S608
    where, values = where_clause(conditions, combine)
    sql += where
    if sort:
        sql += " ORDER BY " + ", ".join(f"{name(s.column)} {s.direction}" for s in sort)
    return sql + " LIMIT %s", [*values, limit]


def insert(
    table: str, rows: Sequence[dict[str, Any]], ignore: bool, priority: str
) -> tuple[str, list[Any]]:
    """One INSERT of every row; the columns are all the rows' fields, a row lacking one
    gives NULL (as n8n does)."""
    columns = list(dict.fromkeys(column for row in rows for column in row))
    if not columns:
        raise NodeError("data: give at least one column's value to insert.")
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    head = " ".join(word for word in ("INSERT", priority, "IGNORE" if ignore else "") if word)
    sql = (
        f"{head} INTO {table_name(table)} ({', '.join(name(c) for c in columns)}) "
        f"VALUES {', '.join([placeholders] * len(rows))}"
    )
    return sql, [row.get(column) for row in rows for column in columns]


def update(
    table: str, row: dict[str, Any], match_column: str, match_value: Any
) -> tuple[str, list[Any]]:
    changed = [column for column in row if column != match_column]
    if not changed:
        raise NodeError(f"data: give at least one column besides {match_column} to update.")
    sets = ", ".join(f"{name(column)} = %s" for column in changed)
    sql = f"UPDATE {table_name(table)} SET {sets} WHERE {name(match_column)} = %s"  # noqa: S608
    return sql, [*(row[column] for column in changed), match_value]


def upsert(table: str, row: dict[str, Any], match_column: str) -> tuple[str, list[Any]]:
    """INSERT ... ON DUPLICATE KEY UPDATE: MySQL finds the duplicate through any unique key of
    the table, as in n8n; match_column should be one."""
    columns = list(row)
    changed = [column for column in columns if column != match_column]
    # With nothing else to change, a duplicate leaves the row as it is.
    updates = ", ".join(f"{name(c)} = %s" for c in changed) or (
        f"{name(match_column)} = {name(match_column)}"
    )
    sql = (
        f"INSERT INTO {table_name(table)} ({', '.join(name(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) ON DUPLICATE KEY UPDATE {updates}"
    )
    return sql, [*(row[c] for c in columns), *(row[c] for c in changed)]


def delete(
    table: str,
    command: Literal["delete", "truncate", "drop"],
    conditions: Sequence[Where],
    combine: Literal["AND", "OR"],
) -> tuple[str, list[Any]]:
    if command == "truncate":
        return f"TRUNCATE TABLE {table_name(table)}", []
    if command == "drop":
        return f"DROP TABLE IF EXISTS {table_name(table)}", []
    where, values = where_clause(conditions, combine)
    return f"DELETE FROM {table_name(table)}{where}", values  # noqa: S608
