"""Clockify's REST API v1 (`/api/v1`), over httpx through the guarded transport.

Requests carry the key in `X-Api-Key`. Errors are `{"message", "code"}`; the message is
quoted, 401 and 403 name the credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.clockify.credentials import PUBLIC_URL, ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    return str(body["message"]) if isinstance(body, dict) and body.get("message") else None


API = http.Api("Clockify", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call to `path` below `/api/v1` and its JSON answer ({} for an empty one)."""
    fields = read_fields(ApiKey, secret)
    headers = {"X-Api-Key": fields.api_key.get_secret_value()}
    url = f"{fields.base_url or PUBLIC_URL}/api/v1{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    return reply.body if isinstance(reply.body, dict | list) else {}


def check_key(secret: Secret) -> str:
    """GET /user: whose key it is, changing nothing."""
    user = call(secret, "GET", "/user", what="user")
    return f"Connected to Clockify as {user.get('name') or user.get('email') or 'a user'}."
