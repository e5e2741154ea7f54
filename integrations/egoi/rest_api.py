"""E-goi's API v3 (`https://api.egoiapp.com`), over httpx through the guarded transport.

Requests carry the key in an `Apikey` header. Errors are problem details (`{"type", "title",
"status", "detail", "errors"}`); `detail` (else `title`) is quoted, 401 and 403 name the
credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.egoi.credentials import PUBLIC_URL, ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    said = body.get("detail") or body.get("title")
    errors = body.get("errors")
    if isinstance(errors, dict) and errors:
        said = f"{said}: " if said else ""
        said += "; ".join(f"{k} {v}" for k, v in errors.items())
    return str(said) if said else None


API = http.Api("E-goi", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call to `path` and its JSON answer ({} for an empty one)."""
    fields = read_fields(ApiKey, secret)
    headers = {"Apikey": fields.api_key.get_secret_value(), "Accept": "application/json"}
    url = f"{fields.base_url or PUBLIC_URL}{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    return reply.body if isinstance(reply.body, dict | list) else {}


def check_key(secret: Secret) -> str:
    """GET /lists: the account's lists, changing nothing."""
    lists = call(secret, "GET", "/lists", what="lists", params={"limit": 10})
    count = lists.get("total_items", 0) if isinstance(lists, dict) else 0
    return f"Connected to E-goi: {count} list(s)."
