"""n8n's Customer.io node (version 1) as WorkFuse's `app.customerio`: customer upsert (n8n's
default) and delete, event track and trackAnonymous, segment add (the segment's default) and
remove. Campaigns (n8n's beta API) are refused."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from editor.n8n.apps_base import credential_note, listed, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = (
    "it upserts and deletes customers, tracks events and adds or removes customers of segments"
)
DEFAULTS = {"customer": "upsert", "event": "track", "segment": "add"}
OPERATIONS = {
    ("customer", "upsert"): "upsert_customer",
    ("customer", "delete"): "delete_customer",
    ("event", "track"): "track_event",
    ("event", "trackAnonymous"): "track_anonymous_event",
    ("segment", "add"): "add_to_segment",
    ("segment", "remove"): "remove_from_segment",
}


def _required(node: N8nNode, cx: Converter, name: str, label: str) -> Any:
    value = text(cx, node, node.params.get(name))
    if value in ("", None, 0):
        raise Refusal(f"names no {label}; set it in n8n and export again.")
    return value if isinstance(value, str) else str(value)


def _pairs(node: N8nNode, cx: Converter, group: Any, inner: str) -> dict[str, Any]:
    pairs = (group or {}).get(inner) or []
    return {str(p["key"]): text(cx, node, p.get("value", "")) for p in pairs if p.get("key")}


def _created_at(value: Any) -> int:
    if isinstance(value, str) and not value.startswith("="):
        try:
            return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
        except ValueError:
            pass
    raise Refusal(
        "sets Created At with an expression or a value that is not a date, which this import "
        "does not turn into Customer.io's Unix time; set a fixed date in n8n and export again."
    )


def _customerio(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "customer", DEFAULTS)
    chosen = OPERATIONS.get((resource, op))
    if chosen is None:
        raise unsupported("Customer.io", resource, op, SUPPORTED)
    p = node.params
    if p.get("jsonParameters"):
        raise Refusal(
            "sets its fields as JSON (JSON Parameters), which this import does not read; list "
            "them under Additional Fields in n8n and export again."
        )
    extra = dict(p.get("additionalFields") or {})
    config: dict[str, Any] = {"operation": chosen}
    if resource == "customer":
        config["customer_id"] = _required(node, cx, "id", "customer ID")
    if chosen == "upsert_customer":
        attributes = _pairs(node, cx, extra.get("customProperties"), "customProperty")
        if extra.get("createdAt"):
            attributes["created_at"] = _created_at(extra["createdAt"])
        if attributes:
            config["attributes"] = attributes
        if extra.get("email"):
            config["email"] = text(cx, node, extra["email"])
    if resource == "event":
        if op == "track":
            config["customer_id"] = _required(node, cx, "customerId", "Customer ID")
        config["event_name"] = _required(node, cx, "eventName", "Event Name")
        data = _pairs(node, cx, extra.get("customAttributes"), "customAttribute")
        if extra.get("type") and op == "track":
            data["type"] = text(cx, node, extra["type"])
        if data:
            config["event_data"] = data
    if resource == "segment":
        config["segment_id"] = _required(node, cx, "segmentId", "Segment ID")
        _required(node, cx, "customerIds", "Customer IDs")
        config["customer_ids"] = listed(cx, node, p["customerIds"])
    notes = [credential_note("Customer.io", "a Track API site id and key")]
    return Converted("app.customerio", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}customerIo": Spec(_customerio, "")}
