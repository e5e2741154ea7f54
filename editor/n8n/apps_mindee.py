"""n8n's Mindee node (versions 1 and 2) as WorkFuse's `app.mindee`: receipt and invoice
predict on the input item's binary file (Binary Property, "data" by default), simplified as
n8n simplifies it, or raw."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import binary_file, credential_note, operation, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

OPERATIONS = {"receipt": "predict_receipt", "invoice": "predict_invoice"}
RETIRED = (
    "n8n's Mindee node version 1 calls Mindee's retired API v1 by default; WorkFuse calls API "
    "v3, whose simplified fields are the same plus id, name and number_of_pages."
)


def _mindee(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "receipt", {"receipt": "predict", "invoice": "predict"})
    if resource not in OPERATIONS or op != "predict":
        raise unsupported("Mindee", resource, op, "it predicts receipts and invoices")
    p = node.params
    api = p.get("apiVersion", 1 if node.version < 2 else 3)
    raw = p.get("rawData") is True
    if api == 1 and raw:
        raise Refusal(
            "outputs the raw answer of Mindee's retired API v1, whose shape API v3 (which "
            "WorkFuse calls) does not keep; set API Version 3 in n8n and export again."
        )
    config: dict[str, Any] = {
        "operation": OPERATIONS[resource],
        "document": binary_file(cx, node, p.get("binaryPropertyName")),
    }
    if raw:
        config["raw"] = True
    notes = [credential_note("Mindee", "an API key")]
    if api == 1:
        notes.append(RETIRED)
    return Converted("app.mindee", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}mindee": Spec(_mindee, "")}
