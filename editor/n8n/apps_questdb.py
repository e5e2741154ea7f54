"""n8n's QuestDB node (version 1) as WorkFuse's `app.questdb`: Execute Query (its Query
Parameters are item fields, sent as $1, $2) and Insert (the item's fields into the columns
named, then the table read back, as n8n's node outputs it)."""

from __future__ import annotations

import json
import re
from typing import Any

from editor.n8n.apps_base import credential_note, required, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it runs a query, or inserts rows and reads the table back"
ONE_BY_ONE = (
    "n8n ran the statement once per input item (the items together in a transaction with mode "
    "Transaction); WorkFuse runs it once per item, each on its own."
)


def _query(node: N8nNode, cx: Converter) -> dict[str, Any]:
    p = node.params
    sql = str(p.get("query") or "")
    if sql.startswith("=") and "{{" in sql:
        raise Refusal(
            "builds its SQL with expressions; WorkFuse keeps values out of the SQL text. Use "
            "$1, $2 with 'Query Parameters' (item fields) in n8n and export again."
        )
    sql = sql.removeprefix("=")
    props = [
        c.strip()
        for c in str((p.get("additionalFields") or {}).get("queryParams") or "").split(",")
        if c.strip()
    ]
    parameters: dict[str, Any] = {}

    def named(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if index < 1 or index > len(props):
            raise Refusal(f"uses ${index} but names {len(props)} query parameters.")
        parameters[f"p{index}"] = cx.value(
            f"={{{{ $json[{json.dumps(props[index - 1])}] }}}}", node
        )
        return f"%(p{index})s"

    config: dict[str, Any] = {"operation": "query"}
    config["sql"] = re.sub(r"\$(\d+)", named, sql.replace("%", "%%"))
    if not config["sql"].strip():
        raise Refusal("has no query; write one in n8n and export again.")
    if parameters:
        config["parameters"] = parameters
    return config


def _insert(node: N8nNode, cx: Converter) -> dict[str, Any]:
    p = node.params
    columns = [c.strip() for c in str(p.get("columns") or "").split(",") if c.strip()]
    if not columns:
        raise Refusal("inserts no columns; list them under Columns in n8n and export again.")
    config: dict[str, Any] = {
        "operation": "insert",
        "table": required(cx, node, "table", "Table"),
        "columns": columns,
        "row": cx.value("={{ $json }}", node),
    }
    fields = str(p.get("returnFields") or "*").strip()
    if fields != "*":
        config["return_fields"] = fields
    return config


def _questdb(node: N8nNode, cx: Converter) -> Converted:
    op = str(node.params.get("operation") or "insert")
    if op not in ("executeQuery", "insert"):
        raise unsupported("QuestDB", "", op, SUPPORTED)
    config = _query(node, cx) if op == "executeQuery" else _insert(node, cx)
    if node.raw.get("alwaysOutputData"):
        config["always_output_data"] = True
    notes = [credential_note("QuestDB", "a connection"), ONE_BY_ONE]
    if op == "insert":
        notes.append(
            "As n8n, the node outputs the whole table read back after the insert; WorkFuse "
            "reads it after each item's row."
        )
    notes.append("Its rows are the node's items (n8n emitted one item per row).")
    return Converted("app.questdb", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}questDb": Spec(_questdb, "", items="rows")}
