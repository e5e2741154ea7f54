"""n8n's Google BigQuery node (version 1) as WorkFuse's `app.google_bigquery`: record create,
each input item's `columns` streamed into the table. n8n sent every input item in one
insertAll; WorkFuse's node runs once per item, one row each (BigQuery's insertId keeps a
retried step from inserting twice). Record getAll and version 2 are refused."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SERVICE = "Google BigQuery"
SUPPORTED = "it inserts records (version 1); for a query, use app.google_bigquery's run_query"
OPTIONS = {"ignoreUnknownValues": "ignore_unknown_values", "skipInvalidRows": "skip_invalid_rows"}


def _bigquery(node: N8nNode, cx: Converter) -> Converted:
    if node.version >= 2:
        raise Refusal(
            f"is version {node.version:g}, which WorkFuse's {SERVICE} import does not read "
            "(version 1 is imported); add an app.google_bigquery node by hand after import."
        )
    resource, op = operation(node, "record", {"record": "create"})
    if (resource, op) != ("record", "create"):
        raise unsupported(SERVICE, resource, op, SUPPORTED)
    p = node.params
    columns = [c.strip() for c in str(p.get("columns") or "").split(",") if c.strip()]
    if not columns:
        raise Refusal("inserts no columns; list them in n8n and export again.")
    config: dict[str, Any] = {"operation": "insert_rows"}
    for param, field, label in (
        ("projectId", "project_id", "Project ID"),
        ("datasetId", "dataset_id", "Dataset ID"),
        ("tableId", "table_id", "Table ID"),
    ):
        value = text(cx, node, p.get(param))
        if value in ("", None):
            raise Refusal(f"has no {label}; set it in n8n.")
        config[field] = value
    config["rows"] = {c: cx.value("={{ $json[" + repr(c) + "] }}", node) for c in columns}
    options = {k: v for k, v in dict(p.get("options") or {}).items() if v not in ("", None)}
    unknown = sorted(k for k in options if k not in OPTIONS)
    if unknown:
        raise Refusal(
            f"sets the option(s) {', '.join(unknown)}, which WorkFuse's {SERVICE} node does not "
            "send; remove them in n8n."
        )
    config |= {OPTIONS[k]: bool(v) for k, v in options.items()}
    notes = [credential_note(SERVICE, "a Google service-account key")]
    return Converted("app.google_bigquery", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}googleBigQuery": Spec(_bigquery, "")}
