"""Customer.io's Track API v1 (`/api/v1`), over httpx through the guarded transport.

Requests carry Basic auth `<site id>:<key>`. Errors are `{"meta": {"error": "…"}}` or
`{"meta": {"errors": ["…"]}}`; they are quoted. 401 and 403 name the credential.
"""

from __future__ import annotations

import base64
from typing import Any

from integrations import http
from integrations.customerio.credentials import PUBLIC_URL, TrackKey
from integrations.service import read_fields
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    meta = body.get("meta") if isinstance(body, dict) else None
    if not isinstance(meta, dict):
        return None
    said = meta.get("error") or "; ".join(str(e) for e in meta.get("errors") or [])
    return str(said) if said else None


API = http.Api("Customer.io", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call to `path` below `/api/v1`; its JSON answer ({} for an empty one)."""
    fields = read_fields(TrackKey, secret)
    pair = f"{fields.site_id}:{fields.api_key.get_secret_value()}".encode()
    headers = {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
    url = f"{fields.base_url or PUBLIC_URL}/api/v1{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    return reply.body if isinstance(reply.body, dict | list) else {}


def check_key(secret: Secret) -> str:
    """GET /accounts/region: the workspace's region, changing nothing."""
    answer = call(secret, "GET", "/accounts/region", what="region")
    return f"Connected to Customer.io (region {answer.get('region', 'unknown')})."
