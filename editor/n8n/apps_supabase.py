"""n8n's Supabase node (version 1) as WorkFuse's `app.supabase`: rows created, got, listed,
updated and deleted with n8n's filters (conditions matching any or all, or PostgREST filter
text). Every operation emits the rows Supabase returns, one n8n item each."""

from __future__ import annotations

import re
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, gets, lists, updates and deletes rows"
OPS = {
    "create": "insert_rows",
    "get": "select_rows",
    "getAll": "select_rows",
    "update": "update_rows",
    "delete": "delete_rows",
}


def _supabase(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if node.version >= 2:
        raise Refusal(
            f"is version {node.version:g}, whose parameters the importer does not read yet; "
            "version 1 nodes are imported."
        )
    resource, op = operation(node, "row", {"row": "create"})
    if resource != "row" or op not in OPS:
        raise unsupported("Supabase", resource, op, SUPPORTED)
    if p.get("useCustomSchema"):
        raise Refusal(
            f"uses the custom schema '{p.get('schema')}'; WorkFuse's Supabase node reads the "
            "public schema. Expose the table through a view in public, or use an HTTP Request."
        )
    table = text(cx, node, p.get("tableId"))
    if not table:
        raise Refusal("names no table; choose it in n8n and export again.")
    notes = [credential_note("Supabase", "the project's URL and its service role key")]
    config: dict[str, Any] = {"operation": OPS[op], "table": table}
    if op == "create":
        config["rows"] = _record(node, cx, as_list=True)
    elif op == "get":
        conditions = (p.get("filters") or {}).get("conditions") or []
        if not conditions:
            raise Refusal("gets rows without a condition; add one in n8n and export again.")
        config["filters"] = [
            {
                "column": text(cx, node, c.get("keyName")),
                "operator": "eq",
                "value": text(cx, node, c.get("keyValue", "")),
            }
            for c in conditions
        ]
        config["max_rows"] = 1000  # one request, as n8n: Supabase answers at most 1000 rows
    else:
        config.update(_filters(node, cx, needed=op != "getAll"))
        if op == "update":
            config["values"] = _record(node, cx, as_list=False)
        if op == "getAll":
            if p.get("returnAll"):
                config["max_rows"] = 5000
                notes.append("n8n read every row; WorkFuse reads at most 5000.")
            else:
                config["max_rows"] = min(max(int(p.get("limit") or 50), 1), 5000)
    return Converted("app.supabase", config, notes=notes)


def _filters(node: N8nNode, cx: Converter, *, needed: bool) -> dict[str, Any]:
    p = node.params
    kind = str(p.get("filterType") or "manual")
    if kind == "string":
        return {"filter_string": text(cx, node, p.get("filterString", ""))}
    conditions = (p.get("filters") or {}).get("conditions") or [] if kind == "manual" else []
    if needed and not conditions:
        raise Refusal(
            "changes rows without a filter (every row of the table); add a condition in n8n "
            "and export again."
        )
    filters = []
    for c in conditions:
        op = str(c.get("condition") or "eq")
        if op == "fullText":
            op = str(c.get("searchFunction") or "")
            if not op:
                raise Refusal("has a full-text condition without its search function.")
        filters.append(
            {
                "column": text(cx, node, c.get("keyName")),
                "operator": op,
                "value": text(cx, node, c.get("keyValue", "")),
            }
        )
    if not filters:
        return {}
    match = "all" if p.get("matchType") == "allFilters" else "any"
    return {"filters": filters, "match": match}


def _record(node: N8nNode, cx: Converter, *, as_list: bool) -> Any:
    p = node.params
    if p.get("dataToSend") == "autoMapInputData":
        if p.get("inputsToIgnore"):
            raise Refusal(
                "sends the input item's fields except some (Inputs to Ignore); WorkFuse sends "
                "the whole item. Name the fields below in n8n instead."
            )
        whole = cx.expression("{{ $json }}", node)
        inner = re.fullmatch(r"\{\{ (.+) \}\}", whole)
        if inner is None:
            raise Refusal("sends the input item's fields, which WorkFuse cannot read here.")
        item = "{{ " + inner.group(1) + " | tojson }}"
        return f"[{item}]" if as_list else item
    fields = (p.get("fieldsUi") or {}).get("fieldValues") or []
    record = {str(f.get("fieldId")): text(cx, node, f.get("fieldValue")) for f in fields}
    if not record:
        raise Refusal("sends no fields; define them in n8n and export again.")
    return [record] if as_list else record


SPECS: dict[str, Spec] = {f"{BASE}supabase": Spec(_supabase, "", items="rows")}
