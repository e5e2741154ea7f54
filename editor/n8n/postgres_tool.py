"""The query of n8n's Postgres node used as an agent's tool (`postgresTool`, Execute Query)
when it writes `{{ $fromAI(...) }}` in plain text rather than as an expression.

n8n's Postgres node (2.x `executeQuery`) evaluates each `{{ }}` of its query even when the
query is not an expression and pastes the result into the SQL text; `createNodeAsTool` offers
the model every `$fromAI` it finds in any setting, expression or not. WorkFuse never pastes a
value into SQL (`app.postgres` binds parameters), so the companion workflow (app_tools.py) gets
the query with each value bound instead: a quoted literal holding `{{ }}` parts
(`'{{ $fromAI("table") }}'`) becomes a query parameter whose value is the literal's text, as
n8n filled it; a bare `{{ $fromAI(..., 'number' | 'boolean') }}` (`LIMIT {{ ... }}`) one whose
value is the model's.

A `{{ }}` anywhere else is SQL text. Where every such part is a `$fromAI` call of its own (the
whole statement `{{ $fromAI("sql_query") }}`, a table name), or the query is the expression
`={{ $fromAI(...) }}`, the model writes the SQL, as in n8n's "chat with your database"
workflows: the companion's node runs it with `app.postgres` `query_from_text` (`given`), whose
transaction PostgreSQL keeps read-only unless the user turns `read_only` off, so the model's
arguments are pasted into the statement as n8n pasted them. Other SQL text (the run's data
written into the statement) stays refused (`problem`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from editor.n8n.apps_base import credential_note, text
from editor.n8n.converter import BASE, Converted, Converter, N8nNode

TOOL = f"{BASE}postgresTool"
# Set by app_tools.py on the companion's Postgres node whose query is SQL the model writes.
MODEL_SQL = "workfuseModelWritesSql"
# A `{{ }}` that is one `$fromAI(...)` call and nothing else (its arguments quoted or plain).
WHOLE_FROM_AI = re.compile(
    r"\{\{\s*\$fromAI\((?:[^()'\"`]|'[^']*'|\"[^\"]*\"|`[^`]*`)*\)\s*\}\}", re.S
)
BLOCK = re.compile(r"\{\{.*?\}\}", re.S)
# A quoted literal, or a comment (whose apostrophes open no literal).
LITERAL = re.compile(r"--[^\n]*|/\*.*?\*/|'((?:[^']|'')*)'", re.S)
SLOT = re.compile(r"\x00(\d+)\x00")  # a `{{ }}` part set aside while literals are read
VALUE_TYPES = re.compile(
    r"\{\{\s*\$fromAI\([^)]*,\s*(['\"`])(number|boolean)\1\s*(?:,[^)]*)?\)\s*\}\}", re.S
)
BOUND_NOTE = (
    "n8n pasted the model's values into the query's text ({what}); WorkFuse binds each as a "
    "query parameter, which gives the same result unless a value holds a quote, which n8n's "
    "SQL would have broken on."
)
GIVEN_NOTE = (
    "n8n ran whatever SQL the model wrote, changes included, with the credential's rights; "
    "WorkFuse runs the model's statement (Run the SQL given) one statement at a time in a "
    "read-only transaction, so PostgreSQL refuses INSERT, UPDATE, DELETE and DDL. To let the "
    "model change data, turn read_only off on this node, with a credential whose role may "
    "change only what the model should."
)


def applies(node: Mapping[str, Any]) -> bool:
    """Whether `node` is a Postgres tool whose plain-text query n8n fills in."""
    params = node.get("parameters")
    if not isinstance(params, dict):
        return False
    query = params.get("query")
    return (
        node.get("type") == TOOL
        and (params.get("operation") or "insert") == "executeQuery"
        and isinstance(query, str)
        and not query.startswith("=")
        and "{{" in query
    )


def model_writes(node: Mapping[str, Any]) -> bool:
    """Whether the Postgres tool `node` lets the model write SQL text: each `{{ }}` of its
    plain-text query that is not a value bound (`applies`) is a `$fromAI` call of its own, or
    its query is the expression `={{ $fromAI(...) }}` alone."""
    params = node.get("parameters")
    if not isinstance(params, dict) or node.get("type") != TOOL:
        return False
    query = params.get("query")
    if (params.get("operation") or "insert") != "executeQuery" or not isinstance(query, str):
        return False
    if query.startswith("="):
        return WHOLE_FROM_AI.fullmatch(query[1:].strip()) is not None
    loose = _split(query)[2]
    return bool(loose) and all(WHOLE_FROM_AI.fullmatch(part) for part in loose)


def problem(node: Mapping[str, Any]) -> str | None:
    """Why the plain-text query of the Postgres tool `node` can neither be bound nor run as
    the model's SQL, or None."""
    params = node["parameters"]
    if model_writes(node):
        return _given_problem(params)
    _, values, loose = _split(params["query"])
    if loose:
        return (
            f"it writes {loose[0][:80]} into its query's SQL text, which n8n pastes into the "
            "statement; WorkFuse runs only the SQL the workflow gives, with values bound as "
            "query parameters (a quoted value, or $1 with the value in Query Parameters)"
        )
    beside = (params.get("options") or {}).get("queryReplacement") or re.search(
        r"\$\d", BLOCK.sub("", params["query"])
    )
    if values and beside:
        return (
            "it fills values into its query's text beside Query Parameters ($1, $2, ...); move "
            "those values into Query Parameters too"
        )
    return None


def _given_problem(params: Mapping[str, Any]) -> str | None:
    pasted = [p for p in BLOCK.findall(params["query"]) if not WHOLE_FROM_AI.fullmatch(p)]
    if pasted:
        return (
            f"it writes {pasted[0][:80]} into SQL its model writes; WorkFuse runs the model's "
            "SQL as it is, with nothing but the model's arguments in it"
        )
    if (params.get("options") or {}).get("queryReplacement"):
        return (
            "it gives Query Parameters beside SQL its model writes; WorkFuse runs the model's "
            "statement without parameters"
        )
    return None


def as_given(params: dict[str, Any]) -> dict[str, Any]:
    """The settings of a Postgres tool whose model writes the SQL, its query as the n8n
    expression that pastes the model's arguments in (as n8n fills a plain-text query)."""
    query = params["query"]
    return {**params, "query": query if query.startswith("=") else "=" + query}


def given(node: N8nNode, cx: Converter) -> Converted:
    """The companion's Postgres node whose query is the model's SQL (MODEL_SQL) as
    `app.postgres` `query_from_text`, read-only."""
    config = {
        "operation": "query_from_text",
        "statement": text(cx, node, node.params.get("query")),
        "read_only": True,
    }
    notes = [
        credential_note("PostgreSQL", "a connection"),
        GIVEN_NOTE,
        "n8n emitted one item per row (or {success: true}); WorkFuse lists them in rows.",
    ]
    return Converted("app.postgres", config, notes=notes)


def bound(params: dict[str, Any]) -> dict[str, Any]:
    """The Postgres tool's settings with its plain-text query's values bound: `$1, $2, ...`
    in the query and those values, as n8n expressions, in Query Parameters."""
    query, values, _ = _split(params["query"])
    options = {**(params.get("options") or {}), "queryReplacement": values}
    return {**params, "query": query, "options": options}


def note(params: dict[str, Any]) -> str:
    parts = ", ".join(sorted(set(BLOCK.findall(params["query"]))))
    return BOUND_NOTE.format(what=parts[:160])


def _split(query: str) -> tuple[str, list[str], list[str]]:
    """The query with `$n` for each value bound, those values (n8n expressions, in order),
    and the `{{ }}` parts that are SQL text instead."""
    parts: list[str] = []

    def aside(match: re.Match[str]) -> str:
        parts.append(match.group(0))
        return f"\x00{len(parts) - 1}\x00"

    text = BLOCK.sub(aside, query)
    values: list[str] = []

    def literal(match: re.Match[str]) -> str:
        if match.group(1) is None or not SLOT.search(match.group(1)):
            return match.group(0)
        content = SLOT.sub(lambda m: parts[int(m.group(1))], match.group(1))
        values.append("=" + content.replace("''", "'"))
        return f"${len(values)}"

    text = LITERAL.sub(literal, text)
    loose: list[str] = []

    def bare(match: re.Match[str]) -> str:
        part = parts[int(match.group(1))]
        if VALUE_TYPES.fullmatch(part):
            values.append("=" + part)
            return f"${len(values)}"
        loose.append(part)
        return part

    return SLOT.sub(bare, text), values, loose
