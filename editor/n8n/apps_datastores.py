"""n8n's MySQL (v1 and v2) and Redis nodes as WorkFuse's `app.mysql` and `app.redis`; their
`mySqlTool` and `redisTool` variants become companion workflows through `app_tools`.

n8n's MySQL node resolves `{{ }}` inside its SQL text and pastes the results in; WorkFuse keeps
values out of the SQL, so each expression standing for a value (a whole quoted literal, or a
bare value) becomes a named parameter; one standing for a name or for SQL itself is refused."""

from __future__ import annotations

import re
from typing import Any

from editor.n8n.apps_base import credential_note, locator, text, unsupported
from editor.n8n.apps_data import _replacements
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

EXPRESSION = re.compile(r"'?\{\{(.+?)\}\}'?", re.S)
# After these words SQL wants a name (a table, a column), which no parameter can be.
NAME_BEFORE = re.compile(
    r"\b(FROM|JOIN|INTO|UPDATE|TABLE|DESCRIBE|DESC|EXPLAIN|SHOW|BY|USE|AS)\s*$", re.I
)
MYSQL = "MySQL"
ROWS_NOTE = "n8n emitted one item per row (or {success: true}); WorkFuse lists them in rows."


# --- MySQL ---------------------------------------------------------------------------------


def _mysql(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    op = str(p.get("operation") or "insert")
    notes = [credential_note(MYSQL, "a connection")]
    if op == "executeQuery":
        query = _query(node, cx)
        return Converted("app.mysql", query, notes=[*notes, ROWS_NOTE], spec={"items": "rows"})
    table = text(cx, node, locator(p.get("table")))
    if not table:
        raise Refusal("has no table; choose one in n8n and export again.")
    config: dict[str, Any] = {"table": table}
    if node.version < 2:
        config |= _v1_write(node, cx, op)
    elif op == "select":
        config |= _select(node, cx)
    elif op in ("insert", "update", "upsert"):
        config |= _v2_write(node, cx, op)
    elif op == "deleteTable":
        command = str(p.get("deleteCommand") or "truncate")
        config |= {"operation": "delete", "command": command}
        if command == "delete":
            config |= _where(node, cx)
    else:
        raise unsupported(MYSQL, "", op, "it queries, selects, inserts, updates, upserts, deletes")
    if (p.get("options") or {}).get("replaceEmptyStrings"):
        notes.append("n8n replaced empty strings with NULL; WorkFuse writes them as they are.")
    if config.get("operation") == "select":
        notes.append(ROWS_NOTE)
        return Converted("app.mysql", config, notes=notes, spec={"items": "rows"})
    notes.append("n8n wrote all its input items in one statement; WorkFuse writes each item.")
    return Converted("app.mysql", config, notes=notes)


def _query(node: N8nNode, cx: Converter) -> dict[str, Any]:
    p = node.params
    sql = str(p.get("query") or "")
    # Version 2 resolves {{ }} anywhere in its SQL; version 1 only in an expression.
    resolves = node.version >= 2 or sql.startswith("=")
    if not resolves:  # sent as written: braces in it stay text (cx.value escapes them)
        return {"operation": "query", "sql": str(cx.value(sql.strip(), node))}
    sql = sql.removeprefix("=")
    if re.search(r"\$\d+:name", sql):
        raise Refusal("puts a query parameter in as a name ($1:name); name it in the SQL instead.")
    replacements = (
        _replacements((p.get("options") or {}).get("queryReplacement") or "")
        if node.version >= 2
        else []
    )
    parameters: dict[str, Any] = {}

    def numbered(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if index < 1 or index > len(replacements):
            raise Refusal(f"uses ${index} but gives {len(replacements)} query parameters.")
        parameters[f"p{index}"] = text(cx, node, replacements[index - 1])
        return f"%(p{index})s"

    def expression(match: re.Match[str]) -> str:
        whole, before = match.group(0), sql[: match.start()]
        quoted = whole.startswith("'") and whole.endswith("'")
        partly = whole.startswith("'") != whole.endswith("'")  # text around it in the literal
        if partly or (
            not quoted
            and (before.count("'") % 2 or before.count('"') % 2 or NAME_BEFORE.search(before))
        ):
            raise Refusal(
                f"builds its SQL with the expression {{{{{match.group(1)}}}}} where SQL wants a "
                "name or text around it; WorkFuse keeps values out of the SQL. Use a query "
                "parameter ($1 with 'Query Parameters') for a value in n8n and export again."
            )
        name = f"e{len([k for k in parameters if k.startswith('e')]) + 1}"
        parameters[name] = cx.value("={{" + match.group(1) + "}}", node)
        return f"%({name})s"

    if not EXPRESSION.sub("", sql).strip():
        raise Refusal(
            "runs SQL that an expression makes whole; WorkFuse runs only SQL written in the node."
        )
    converted = EXPRESSION.sub(expression, sql)
    converted = re.sub(r"\$(\d+)(?!\d)", numbered, converted)
    if parameters:  # PyMySQL reads % only when there are parameters
        converted = re.sub(r"%(?!\(\w+\)s)", "%%", converted)
    config: dict[str, Any] = {"operation": "query", "sql": converted.strip()}
    if parameters:
        config["parameters"] = parameters
    return config


def _v1_write(node: N8nNode, cx: Converter, op: str) -> dict[str, Any]:
    """Version 1 writes the input item's fields named in `columns` (and matches update rows on
    `updateKey`)."""
    p = node.params
    columns = [c.strip() for c in str(p.get("columns") or "").split(",") if c.strip()]
    if op == "update":
        key = str(p.get("updateKey") or "id")
        columns = [key, *(c for c in columns if c != key)]
    if not columns:
        raise Refusal("writes no columns; list them in n8n and export again.")
    data = {c: cx.value("={{ $json[" + repr(c) + "] }}", node) for c in columns}
    if op == "insert":
        options = p.get("options") or {}
        priority = str(options.get("priority") or "")
        return {"operation": "insert", "data": data, "ignore": bool(options.get("ignore"))} | (
            {"priority": priority} if priority in ("LOW_PRIORITY", "HIGH_PRIORITY") else {}
        )
    if op == "update":
        return {"operation": "update", "data": data, "match_column": columns[0]}
    raise unsupported(MYSQL, "", op, "version 1 imports its query, insert and update")


def _v2_write(node: N8nNode, cx: Converter, op: str) -> dict[str, Any]:
    p = node.params
    config: dict[str, Any] = {"operation": op}
    if p.get("dataMode", "autoMapInputData") == "autoMapInputData":
        config["data"] = cx.value("={{ $json }}", node)
    else:
        values = (p.get("valuesToSend") or {}).get("values") or []
        config["data"] = {str(v.get("column")): text(cx, node, v.get("value", "")) for v in values}
    if op in ("update", "upsert"):
        match = str(p.get("columnToMatchOn") or "")
        if not match:
            raise Refusal("has no column to match on; choose one in n8n and export again.")
        config["match_column"] = match
        if isinstance(config["data"], dict):
            if op == "upsert":
                config["data"][match] = text(cx, node, p.get("valueToMatchOn", ""))
            else:
                config["match_value"] = text(cx, node, p.get("valueToMatchOn", ""))
    if op == "insert":
        options = p.get("options") or {}
        config["ignore"] = bool(options.get("skipOnConflict"))
        if options.get("priority") in ("LOW_PRIORITY", "HIGH_PRIORITY"):
            config["priority"] = options["priority"]
    if config["data"] in ({}, ""):
        raise Refusal("sends no columns; map them in n8n and export again.")
    return config


def _select(node: N8nNode, cx: Converter) -> dict[str, Any]:
    p = node.params
    options = p.get("options") or {}
    config: dict[str, Any] = {"operation": "select", **_where(node, cx)}
    columns = [str(c) for c in options.get("outputColumns") or [] if c != "*"]
    if columns:
        config["columns"] = columns
    if options.get("selectDistinct"):
        config["distinct"] = True
    rules = (p.get("sort") or {}).get("values") or []
    if rules:
        config["sort"] = [
            {"column": str(r.get("column")), "direction": str(r.get("direction") or "ASC")}
            for r in rules
        ]
    if p.get("returnAll"):
        config["return_all"] = True
    else:
        config["limit"] = p.get("limit", 50)
    return config


def _where(node: N8nNode, cx: Converter) -> dict[str, Any]:
    p = node.params
    rules = (p.get("where") or {}).get("values") or []
    if not rules:
        return {}
    where = [
        {
            "column": str(r.get("column")),
            "condition": str(r.get("condition") or "equal"),
            "value": text(cx, node, r.get("value", "")),
        }
        for r in rules
    ]
    return {"where": where, "combine": "OR" if p.get("combineConditions") == "OR" else "AND"}


# --- Redis ---------------------------------------------------------------------------------


def _redis(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    op = str(p.get("operation") or "info")
    notes = [credential_note("Redis", "a connection")]
    spec: dict[str, Any] = {}
    config: dict[str, Any] = {"operation": op}
    key_type = str(p.get("keyType") or "automatic").replace("sets", "set")
    if op in ("get", "set", "delete", "incr"):
        config["key"] = text(cx, node, p.get("key", ""))
    if op == "get":
        config["key_type"] = key_type
        spec["aliases"] = ((str(p.get("propertyName") or "propertyName").lstrip("="), "value"),)
        notes.append("n8n added the value to its input item; WorkFuse outputs {key, type, value}.")
    elif op == "set":
        config |= {"key_type": key_type, "value": text(cx, node, p.get("value", ""))}
    elif op == "keys":
        config |= {"pattern": text(cx, node, p.get("keyPattern", ""))}
        config["get_values"] = bool(p.get("getValues", True))
        notes.append("n8n put each key's value in its item; WorkFuse lists keys and values.")
    elif op in ("push", "pop"):
        config |= {"list": text(cx, node, p.get("list", "")), "tail": bool(p.get("tail"))}
        if op == "push":
            config["message"] = text(cx, node, p.get("messageData", ""))
        else:
            spec["aliases"] = ((str(p.get("propertyName") or "propertyName").lstrip("="), "value"),)
    elif op == "publish":
        config |= {"channel": text(cx, node, p.get("channel", ""))}
        config["message"] = text(cx, node, p.get("messageData", ""))
    elif op != "delete" and op != "incr":
        raise unsupported(
            "Redis",
            "",
            op,
            "it gets, sets, deletes, increments, lists keys, pushes, pops and publishes",
        )
    if op in ("set", "incr") and p.get("expire"):
        config["ttl_seconds"] = text(cx, node, p.get("ttl", 60))
    if op in ("set", "delete", "push", "publish"):
        notes.append("n8n passed its input item on; WorkFuse outputs what Redis answered.")
    return Converted("app.redis", config, notes=notes, spec=spec)


SPECS: dict[str, Spec] = {
    f"{BASE}mySql": Spec(_mysql, ""),
    f"{BASE}redis": Spec(_redis, ""),
}
