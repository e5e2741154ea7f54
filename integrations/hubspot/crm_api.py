"""HubSpot's CRM API (`/crm/v3/objects/...` on api.hubapi.com), over httpx through the guarded
transport.

Requests carry the private app token as a bearer token. Errors are `{"status": "error",
"message", "category", "correlationId"}`: 401 (`INVALID_AUTHENTICATION`) and 403
(`MISSING_SCOPES`: the app lacks a scope) name the credential. A 429 (`RATE_LIMIT`) carries no
Retry-After: HubSpot's limits roll over ten-second windows, so the retry waits one window.
Lists page with `limit` and `after` (the cursor in `paging.next.after`).
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.hubspot.credentials import PrivateAppToken
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

PUBLIC_URL = "https://api.hubapi.com"
WINDOW_SECONDS = 10.0  # HubSpot's rolling rate-limit window


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict) or not body.get("message"):
        return None
    category = body.get("category")
    return f"{category}: {body['message']}" if category else str(body["message"])


def _window(reply: http.Reply) -> float | None:
    return WINDOW_SECONDS


API = http.Api("HubSpot", error_text=_error_text, fallback_wait=_window)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call (`path` from the API's root, e.g. `/crm/v3/objects/contacts`) and its JSON answer."""
    fields = read_fields(PrivateAppToken, secret)
    headers = {"Authorization": f"Bearer {fields.access_token.get_secret_value()}"}
    url = f"{fields.base_url or PUBLIC_URL}{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if not isinstance(reply.body, dict):
        raise NodeError(
            f"HubSpot answered {what} with something that is not JSON; check the credential's "
            "base URL (leave it empty for HubSpot itself)."
        )
    return reply.body


def check_token(secret: Secret) -> str:
    """GET /account-info/v3/details: which portal the token belongs to, changing nothing."""
    details = call(secret, "GET", "/account-info/v3/details", what="account-info")
    return f"Connected to HubSpot account {details.get('portalId', '?')}."
