"""DHL's Shipment Tracking - Unified API (`https://api-eu.dhl.com/track/shipments`), over httpx
through the guarded transport.

Requests carry the key in `DHL-API-Key`. Errors are problem details `{"title", "status",
"detail"}` (a gateway's `{"message"}`); the detail is quoted (a tracking number DHL does not know is a 404), 401 and 403
name the credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.dhl.credentials import PUBLIC_URL, ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    text = body.get("detail") or body.get("title") or body.get("message")
    return str(text) if text else None


API = http.Api("DHL", error_text=_error_text)


def track(secret: Secret, params: dict[str, Any], *, what: str) -> list[Any]:
    """GET /track/shipments with `params`; the shipments it lists."""
    fields = read_fields(ApiKey, secret)
    headers = {"DHL-API-Key": fields.api_key.get_secret_value()}
    url = f"{fields.base_url or PUBLIC_URL}/track/shipments"
    reply = http.send(API, secret, "GET", url, what=what, headers=headers, params=params)
    shipments = reply.body.get("shipments") if isinstance(reply.body, dict) else None
    if not isinstance(shipments, list):
        raise NodeError(f"DHL answered {what} without a list of shipments.")
    return shipments


def check_key(secret: Secret) -> str:
    """Track a made-up number, as n8n's credential test does: DHL refuses the number (404) once
    it has accepted the key."""
    try:
        track(secret, {"trackingNumber": "123"}, what="test")
    except NodeError as exc:
        if not exc.message.startswith("DHL refused test"):
            raise
    return "Connected to DHL: the API key was accepted."
