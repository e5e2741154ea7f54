"""Bannerbear's API v2 (`https://api.bannerbear.com/v2`), over httpx through the guarded
transport.

Requests carry the key as a bearer token. Errors are `{"message"}`; the message is quoted, 401
and 403 name the credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.bannerbear.credentials import PUBLIC_URL, ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    return str(body["message"]) if isinstance(body, dict) and body.get("message") else None


API = http.Api("Bannerbear", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call to `path` below `/v2` and its JSON answer ({} for an empty one)."""
    fields = read_fields(ApiKey, secret)
    headers = {"Authorization": f"Bearer {fields.api_key.get_secret_value()}"}
    url = f"{fields.base_url or PUBLIC_URL}/v2{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    return reply.body if isinstance(reply.body, dict | list) else {}


def check_key(secret: Secret) -> str:
    """GET /auth: the project the key belongs to, changing nothing."""
    auth = call(secret, "GET", "/auth", what="auth")
    project = auth.get("project") if isinstance(auth, dict) else None
    return f"Connected to Bannerbear: project {project or 'accepted the key'}."
