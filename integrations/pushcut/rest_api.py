"""Pushcut's REST API v1 (`/v1`), over httpx through the guarded transport.

Requests carry the key in `API-Key`. Errors are `{"error": "..."}`; the text is quoted, 401 and
403 name the credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.pushcut.credentials import PUBLIC_URL, ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    if isinstance(body, dict):
        said = body.get("error") or body.get("message")
        return str(said) if said else None
    return None


API = http.Api("Pushcut", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call to `path` below `/v1` and its JSON answer ({} for an empty one)."""
    fields = read_fields(ApiKey, secret)
    headers = {"API-Key": fields.api_key.get_secret_value()}
    url = f"{fields.base_url or PUBLIC_URL}/v1{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    return reply.body if isinstance(reply.body, dict | list) else {}


def check_key(secret: Secret) -> str:
    """GET /devices: the account's devices, changing nothing."""
    devices = call(secret, "GET", "/devices", what="devices")
    count = len(devices) if isinstance(devices, list) else 0
    return f"Connected to Pushcut: {count} device{'s' if count != 1 else ''} registered."
