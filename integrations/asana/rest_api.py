"""Asana's REST API (`/api/1.0`), over httpx through the guarded transport.

Requests carry the token as a bearer token; bodies and answers wrap their payload in `data`.
Errors are `{"errors": [{"message", "help"}]}`: the first message is quoted, 401 and 403 name
the credential. Lists page with `limit` and `offset` (the token in `next_page.offset`).
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.asana.credentials import PUBLIC_URL, AccessToken
from integrations.service import read_fields
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("message") or "") or None
    return None


API = http.Api("Asana", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> dict[str, Any]:
    """A call to `path` below `/api/1.0` and its whole JSON answer ({} for an empty one)."""
    fields = read_fields(AccessToken, secret)
    headers = {"Authorization": f"Bearer {fields.access_token.get_secret_value()}"}
    url = f"{fields.base_url or PUBLIC_URL}/api/1.0{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    return reply.body if isinstance(reply.body, dict) else {}


def check_token(secret: Secret) -> str:
    """GET /users/me: whose token it is, changing nothing."""
    user = call(secret, "GET", "/users/me", what="users/me").get("data") or {}
    return f"Connected to Asana as {user.get('name') or user.get('email') or 'a user'}."
