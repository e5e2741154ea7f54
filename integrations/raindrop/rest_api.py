"""Raindrop.io's REST API v1 (`/rest/v1`), over httpx through the guarded transport.

Requests carry the token as a bearer token. Errors are `{"result": false, "error",
"errorMessage"}`; the message is quoted, 401 and 403 name the credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.raindrop.credentials import PUBLIC_URL, Token
from integrations.service import read_fields
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    text = body.get("errorMessage") or body.get("error")
    return str(text) if text else None


API = http.Api("Raindrop.io", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> dict[str, Any]:
    """A call to `path` below `/rest/v1` and its JSON object ({} for an empty one)."""
    fields = read_fields(Token, secret)
    headers = {"Authorization": f"Bearer {fields.access_token.get_secret_value()}"}
    url = f"{fields.base_url or PUBLIC_URL}/rest/v1{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    return reply.body if isinstance(reply.body, dict) else {}


def check_token(secret: Secret) -> str:
    """GET /user: whose token it is, changing nothing."""
    user = call(secret, "GET", "/user", what="user").get("user") or {}
    name = user.get("fullName") or user.get("email") or "a user"
    return f"Connected to Raindrop.io as {name}."
