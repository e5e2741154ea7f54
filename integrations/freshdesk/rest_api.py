"""Freshdesk's API v2 (`/api/v2`), over httpx through the guarded transport.

Errors are `{"description", "errors": [{"field", "message", "code"}]}` (or `{"message"}`); the
field errors are quoted. 401 and 403 name the credential; 429 waits for `Retry-After`.
"""

from __future__ import annotations

import base64
from typing import Any

from integrations import http
from integrations.freshdesk.credentials import ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
    if errors:
        listed = "; ".join(f"{e.get('field')}: {e.get('message')}" for e in errors)
        return f"{body.get('description') or 'Validation failed'} ({listed})"
    said = body.get("message") or body.get("description")
    return str(said) if said else None


API = http.Api("Freshdesk", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call to `path` below `/api/v2` and its JSON answer ({} for an empty one)."""
    fields = read_fields(ApiKey, secret)
    if not fields.base_url:
        raise NodeError(
            f"The credential “{secret.name}” has no helpdesk address: set it "
            "(https://acme.freshdesk.com) on the Credentials page."
        )
    pair = f"{fields.api_key.get_secret_value()}:X".encode()
    headers = {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
    url = f"{fields.base_url}/api/v2{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    return reply.body if isinstance(reply.body, dict | list) else {}


def check_key(secret: Secret) -> str:
    """GET /agents/me: whose key it is, changing nothing."""
    me = call(secret, "GET", "/agents/me", what="agent")
    contact = me.get("contact") or {}
    return f"Connected to Freshdesk as {contact.get('name') or contact.get('email') or 'an agent'}."
