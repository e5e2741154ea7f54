"""n8n's NocoDB node (versions 2 and 3, API v0.90 onwards) as WorkFuse's `app.nocodb`: rows
created, got, listed, updated and deleted. WorkFuse speaks NocoDB's data API v2, which names a
table by its id alone, so n8n's project (base) id is not needed."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it creates, gets, lists, updates and deletes rows"
DEFAULTS = {"row": "get"}
OPS = {
    "create": "create_row",
    "get": "get_row",
    "getAll": "list_rows",
    "update": "update_row",
    "delete": "delete_row",
}
LIMIT = 50
MAX_ROWS = 10_000


def _fields(node: N8nNode, cx: Converter) -> dict[str, Any]:
    p = node.params
    if p.get("dataToSend", "defineBelow") != "defineBelow":
        raise Refusal(
            "sends its whole input item (Data to Send: Auto-Map Input Data), which WorkFuse's "
            "NocoDB node does not; choose Define Below for Each Column in n8n and name the "
            "columns, then export again."
        )
    fields: dict[str, Any] = {}
    for pair in (p.get("fieldsUi") or {}).get("fieldValues") or []:
        if pair.get("binaryData"):
            raise Refusal(
                f"uploads a file into the column {pair.get('fieldName')}, which WorkFuse's "
                "NocoDB node does not; remove it in n8n and export again."
            )
        name = text(cx, node, pair.get("fieldName", ""))
        if not isinstance(name, str) or "{{" in name:
            raise Refusal(
                f"names a column with an expression ({pair.get('fieldName')}); write the "
                "column's name in n8n and export again."
            )
        if name:
            fields[name] = text(cx, node, pair.get("fieldValue", ""))
    if not fields:
        raise Refusal("sends no columns; add one in n8n (Fields to Send) and export again.")
    return fields


def _list_options(node: N8nNode, cx: Converter, config: dict[str, Any]) -> None:
    options = {
        k: v
        for k, v in dict(node.params.get("options") or {}).items()
        if v not in ("", None, [], {})
    }
    if options.pop("downloadAttachments", False) is True:
        raise Refusal(
            "downloads the rows' attachments, which WorkFuse's NocoDB node does not; turn it "
            "off in n8n and export again."
        )
    if "where" in options:
        config["where"] = text(cx, node, options.pop("where"))
    sorts = (options.pop("sort", None) or {}).get("property") or []
    keys = [
        f"{'-' if s.get('direction') == 'desc' else ''}{s.get('field')}"
        for s in sorts
        if s.get("field")
    ]
    if keys:
        config["sort"] = ",".join(keys)
    if options:
        raise Refusal(
            f"sets {', '.join(sorted(options))} in Options, which WorkFuse's NocoDB node does "
            "not; remove them in n8n and export again."
        )


def _nocodb(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    api = p.get("version", 1 if node.version < 2 else 2)
    if api == 1:
        raise Refusal(
            "speaks the API of NocoDB before 0.90 (API Version), which WorkFuse's NocoDB node "
            "does not; choose a newer API version in n8n and export again."
        )
    resource, op = operation(node, "row", DEFAULTS)
    if resource != "row" or op not in OPS:
        raise unsupported("NocoDB", resource, op, SUPPORTED)
    config: dict[str, Any] = {
        "operation": OPS[op],
        "table_id": required(cx, node, "table", "table"),
    }
    notes = [credential_note("NocoDB", "an API token and the server's address")]
    spec: dict[str, Any] = {}
    if op in ("get", "update", "delete"):
        config["row_id"] = required(cx, node, "id", "row (Row ID)")
    if op in ("create", "update"):
        config["fields"] = _fields(node, cx)
    if op == "getAll":
        _list_options(node, cx, config)
        if p.get("returnAll"):
            config["max_results"] = MAX_ROWS
            notes.append(f"n8n read every row; WorkFuse reads at most {MAX_ROWS}.")
        else:
            config["max_results"] = min(max(int(p.get("limit") or LIMIT), 1), MAX_ROWS)
        spec["items"] = "rows"
    return Converted("app.nocodb", config, notes=notes, spec=spec)


SPECS: dict[str, Spec] = {f"{BASE}nocoDb": Spec(_nocodb, "")}
