"""n8n's Postgres node (version 2) table operations select and insert as `app.postgres`
queries: the SQL n8n's operation builds (Postgres v2 `select.operation`, `insert.operation`
with `helpers/utils` addWhereClauses, addSortRules, addReturning), its names written out and quoted from the export's own settings
and every value a named parameter, never pasted into the SQL text.

select: `SELECT <columns> FROM "schema"."table" [WHERE ...] [ORDER BY ...] LIMIT <limit>`
(returnAll: no LIMIT), one item per row. n8n compares a number for >, <, >= and <= (Number()
of the value), here a cast to numeric. With "Always Output Data" n8n emits one empty item when
no row matches; `app.postgres` `always_output_row` does the same.
insert (columns mapped one by one): `INSERT INTO "schema"."table" ("a", ...) VALUES (...)
RETURNING <output columns, * by default>`, one item per row returned.
Version 1's insert (a comma list of the item's fields) builds the same INSERT; its other
operations, and version 2's update, upsert and deleteTable stay refused: n8n emits one {success: true} for the whole
node after them (or matches rows by its resource mapper), which per-item statements would not.
"""

from __future__ import annotations

import json
from typing import Any

from editor.n8n.apps_base import credential_note, locator, text
from editor.n8n.converter import Converted, Converter, N8nNode, Refusal

OPERATIONS = ("select", "insert")
CONDITIONS = {
    "equal": "=",
    "=": "=",
    "!=": "!=",
    "LIKE": "LIKE",
    ">": ">",
    "<": "<",
    ">=": ">=",
    "<=": "<=",
    "IS NULL": "IS NULL",
    "IS NOT NULL": "IS NOT NULL",
}
NUMBERS = (">", "<", ">=", "<=")
MAX_ROWS = 10_000  # app.postgres's most rows per run
# The options each operation carries over (queryBatching: WorkFuse runs each item's statement
# on its own, which n8n's default "single" batching and "independently" give the same rows for).
KNOWN_OPTIONS = {"outputColumns", "queryBatching"}


def name(value: Any, what: str) -> str:
    """An identifier from the export, double-quoted as PostgreSQL reads it (a `"` doubled, and
    a `%` doubled for psycopg's parameters). An expression is refused: a name is never a
    parameter."""
    found = locator(value).strip()
    if found.startswith("="):
        raise Refusal(
            f"names its {what} with an expression ({found}); WorkFuse writes names into the SQL "
            "only as the export gives them. Choose it from the list in n8n and export again."
        )
    if not found:
        raise Refusal(f"has no {what}; choose one in n8n and export again.")
    return '"' + found.replace('"', '""').replace("%", "%%") + '"'


def _table(node: N8nNode) -> str:
    schema = locator(node.params.get("schema")) or "public"
    return name(schema, "schema") + "." + name(node.params.get("table"), "table")


def _options(node: N8nNode) -> dict[str, Any]:
    options = node.params.get("options") or {}
    unknown = sorted(set(options) - KNOWN_OPTIONS)
    if unknown:
        raise Refusal(
            f"sets the option {', '.join(unknown)}, which WorkFuse's PostgreSQL node does not "
            "carry over. Remove it in n8n and export again."
        )
    if options.get("queryBatching") == "transaction":
        raise Refusal(
            "runs its items' statements in one transaction; WorkFuse runs each item's statement "
            "on its own. Choose another Query Batching in n8n and export again."
        )
    return dict(options)


def _columns(options: dict[str, Any]) -> str:
    columns = [str(c) for c in options.get("outputColumns") or ["*"]]
    return "*" if "*" in columns else ", ".join(name(c, "output column") for c in columns)


def _where(node: N8nNode, cx: Converter, parameters: dict[str, Any]) -> str:
    rules = (node.params.get("where") or {}).get("values") or []
    combine = " OR " if node.params.get("combineConditions") == "OR" else " AND "
    parts = []
    for rule in rules:
        condition = str(rule.get("condition") or "equal")
        if condition not in CONDITIONS:
            raise Refusal(f"compares with '{condition}', which n8n's Postgres node does not have.")
        column = name(rule.get("column"), "where column")
        operator = CONDITIONS[condition]
        if operator in ("IS NULL", "IS NOT NULL"):
            parts.append(f"{column} {operator}")
            continue
        key = f"w{len(parameters) + 1}"
        parameters[key] = text(cx, node, rule.get("value", ""))
        value = f"CAST(%({key})s AS numeric)" if operator in NUMBERS else f"%({key})s"
        parts.append(f"{column} {operator} {value}")
    return " WHERE " + combine.join(parts) if parts else ""


def _select(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    p = node.params
    options = _options(node)
    parameters: dict[str, Any] = {}
    sql = f"SELECT {_columns(options)} FROM {_table(node)}"  # noqa: S608 - names only
    sql += _where(node, cx, parameters)
    rules = (p.get("sort") or {}).get("values") or []
    if rules:
        sql += " ORDER BY " + ", ".join(
            f"{name(r.get('column'), 'sort column')} "
            + ("DESC" if r.get("direction") == "DESC" else "ASC")
            for r in rules
        )
    config: dict[str, Any] = {"operation": "query"}
    if p.get("returnAll"):
        config["max_rows"] = MAX_ROWS
        notes.append(f"n8n read every row; WorkFuse reads at most {MAX_ROWS}.")
    else:
        limit = p.get("limit", 50)
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise Refusal(f"reads at most {limit!r} rows; set a whole number as Limit in n8n.")
        sql += f" LIMIT {limit}"
        config["max_rows"] = min(limit, MAX_ROWS)
    config["sql"] = sql
    if parameters:
        config["parameters"] = parameters
    if node.raw.get("alwaysOutputData"):
        config["always_output_row"] = True
    return config


def _insert(node: N8nNode, cx: Converter) -> dict[str, Any]:
    p = node.params
    options = _options(node)
    if node.version >= 2.2:
        columns = p.get("columns") or {}
        mode = columns.get("mappingMode") or "defineBelow"
        values = columns.get("value") or {}
    else:
        mode = p.get("dataMode") or "autoMapInputData"
        values = {
            str(v.get("column")): v.get("value", "")
            for v in (p.get("valuesToSend") or {}).get("values") or []
        }
    if mode != "defineBelow":
        raise Refusal(
            "maps the input item's fields to columns automatically; WorkFuse writes the "
            "columns named in the node. Map each column in n8n and export again."
        )
    if not isinstance(values, dict) or not values:
        raise Refusal("inserts no column; map the columns in n8n and export again.")
    parameters = {f"v{i}": text(cx, node, v) for i, v in enumerate(values.values(), start=1)}
    names = ", ".join(name(c, "column") for c in values)
    placeholders = ", ".join(f"%({key})s" for key in parameters)
    sql = f"INSERT INTO {_table(node)} ({names}) VALUES ({placeholders})"  # noqa: S608 - names
    sql += f" RETURNING {_columns(options)}"
    return {"operation": "query", "sql": sql, "parameters": parameters}


# --- ops ---
def _fixed(value: Any, default: str, what: str) -> str:
    """A version 1 setting as the text n8n reads (`=text` without `{{ }}` is that text); an
    expression is refused, since it would name columns."""
    found = str(value if value not in (None, "") else default)
    if found.startswith("=") and "{{" not in found:
        found = found[1:]
    if found.startswith("="):
        raise Refusal(
            f"names its {what} with an expression ({found}); WorkFuse writes names into the SQL "
            "only as the export gives them. Write them out in n8n and export again."
        )
    return found


def _insert_v1(node: N8nNode, cx: Converter, notes: list[str]) -> dict[str, Any]:
    """Postgres 1 insert (PostgresV1 `pgInsert`): `columns` is a comma list of the item's
    fields, each column's value the item's field of that name; `returnFields` (`*` by default)
    is the RETURNING list; `additionalFields.mode` multiple (default) or independently."""
    p = node.params
    mode = (p.get("additionalFields") or {}).get("mode") or "multiple"
    if mode not in ("multiple", "independently"):
        raise Refusal(
            f"inserts in mode '{mode}' (all items in one transaction); WorkFuse runs each item's "
            "statement on its own. Choose Multiple or Independently in n8n and export again."
        )
    given = [c.strip() for c in _fixed(p.get("columns"), "", "columns").split(",")]
    if not all(given):
        raise Refusal("names no column (or an empty one); list the columns in n8n.")
    if any(":" in c for c in given):
        raise Refusal(
            "casts a column (name:type); WorkFuse sends each value as it is. Remove the cast in "
            "n8n, or cast in a Postgres Execute Query, then export again."
        )
    parameters = {
        f"v{i}": cx.value("={{ $json[" + json.dumps(c) + "] }}", node)
        for i, c in enumerate(given, start=1)
    }
    names = ", ".join(name(c, "column") for c in given)
    placeholders = ", ".join(f"%({key})s" for key in parameters)
    returned = [f.strip() for f in _fixed(p.get("returnFields"), "*", "return fields").split(",")]
    returning = ", ".join("*" if f == "*" else name(f, "return field") for f in returned)
    schema = _fixed(p.get("schema"), "public", "schema")
    table = name(schema, "schema") + "." + name(_fixed(p.get("table"), "", "table"), "table")
    sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders}) RETURNING {returning}"  # noqa: S608
    if mode == "multiple":
        notes.append("n8n wrote all its items' rows in one statement; WorkFuse writes each item's.")
    notes.append(
        "n8n's pg-promise wrote NULL for a column whose field the item lacks; WorkFuse stops the "
        "step naming the missing field."
    )
    return {"operation": "query", "sql": sql, "parameters": parameters}


# --- end ops ---


def convert(node: N8nNode, cx: Converter, op: str) -> Converted:
    # --- ops ---
    if node.version < 2 and op == "insert":
        notes = [credential_note("PostgreSQL", "a connection")]
        return Converted("app.postgres", _insert_v1(node, cx, notes), notes=notes)
    # --- end ops ---
    if node.version < 2:
        raise Refusal(
            f"does '{op}' in version 1 of n8n's Postgres node, which the importer does not "
            "follow (version 2 imports select and insert). Replace the node with "
            "a current Postgres node in n8n and export again."
        )
    notes = [credential_note("PostgreSQL", "a connection")]
    if op == "select":
        config = _select(node, cx, notes)
    else:
        config = _insert(node, cx)
        notes.append("n8n wrote all its items' rows in one batch; WorkFuse writes each item's.")
    return Converted("app.postgres", config, notes=notes)
