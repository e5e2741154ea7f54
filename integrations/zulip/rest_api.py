"""Zulip's REST API (`/api/v1`), over httpx through the guarded transport.

Requests carry the email and API key as HTTP basic auth and send form fields. Errors are
`{"result": "error", "msg", "code"}`; the message is quoted, 401 names the credential.
"""

from __future__ import annotations

import base64
from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.zulip.credentials import ApiKey
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    return str(body["msg"]) if isinstance(body, dict) and body.get("msg") else None


API = http.Api("Zulip", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call to `path` below `/api/v1` and its JSON answer ({} for an empty one)."""
    fields = read_fields(ApiKey, secret)
    pair = f"{fields.email}:{fields.api_key.get_secret_value()}".encode()
    headers = {"Authorization": f"Basic {base64.b64encode(pair).decode('ascii')}"}
    url = f"{fields.base_url.rstrip('/')}/api/v1{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    return reply.body if isinstance(reply.body, dict | list) else {}


def check_key(secret: Secret) -> str:
    """GET /users/me: whose key it is, changing nothing."""
    me = call(secret, "GET", "/users/me", what="users/me")
    return f"Connected to Zulip as {me.get('full_name') or me.get('email') or 'a user'}."
