"""Tapfiliate's REST API 1.6 (`/1.6`), over httpx through the guarded transport.

Requests carry the key in an `Api-Key` header. Errors are `{"errors": [{"message"}]}` (or
`{"message"}`); 401 and 403 name the credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.tapfiliate.credentials import PUBLIC_URL, ApiKey
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    errors = [e.get("message") for e in body.get("errors") or [] if isinstance(e, dict)]
    return "; ".join(str(e) for e in errors if e) or body.get("message")


API = http.Api("Tapfiliate", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call (`path` below `/1.6`, with Tapfiliate's trailing slash) and its answer (None for
    an empty one)."""
    fields = read_fields(ApiKey, secret)
    headers = {"Api-Key": fields.api_key.get_secret_value()}
    url = f"{fields.base_url or PUBLIC_URL}/1.6{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    return reply.body if isinstance(reply.body, dict | list) else None


def check_key(secret: Secret) -> str:
    """GET /programs/: the account's programs, changing nothing."""
    programs = call(secret, "GET", "/programs/", what="programs")
    count = len(programs) if isinstance(programs, list) else 0
    return f"Connected to Tapfiliate: {count} program(s)."
