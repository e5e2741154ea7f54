"""n8n's DHL node (version 1) as WorkFuse's `app.dhl`: a shipment's tracking details by
tracking number (with the recipient's postal code when set): the first shipment DHL lists,
where n8n emitted one item per shipment listed (the caveat says so)."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec

FIRST = (
    "WorkFuse outputs the first shipment DHL lists for the tracking number, where n8n emitted "
    "one item per shipment listed."
)


def _dhl(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "shipment", {"shipment": "get"})
    if resource != "shipment" or op != "get":
        raise unsupported("DHL", resource, op, "it gets a shipment's tracking details")
    config: dict[str, Any] = {
        "operation": "track_shipment",
        "tracking_number": required(cx, node, "trackingNumber", "Tracking Number"),
    }
    postal = dict(node.params.get("options") or {}).get("recipientPostalCode")
    if postal not in (None, ""):
        config["recipient_postal_code"] = text(cx, node, postal)
    notes = [credential_note("DHL", "an API key"), FIRST]
    return Converted("app.dhl", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}dhl": Spec(_dhl, "")}
