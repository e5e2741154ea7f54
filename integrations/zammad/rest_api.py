"""Zammad's REST API (`/api/v1`), over httpx through the guarded transport.

Requests carry the token as `Authorization: Token token=<token>`. Errors are `{"error"}`
(and `error_human`); it is quoted, 401 and 403 name the credential. Lists come by pages
(`page`, `per_page`) until a page comes back empty.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.zammad.credentials import AccessToken
from workfuse.lib.node_run import Secret

PAGE = 20  # n8n's page size


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    said = body.get("error_human") or body.get("error")
    return str(said) if said else None


API = http.Api("Zammad", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call to `path` below `/api/v1` and its JSON answer ({} for an empty one)."""
    fields = read_fields(AccessToken, secret)
    headers = {"Authorization": f"Token token={fields.access_token.get_secret_value()}"}
    url = f"{fields.base_url.rstrip('/')}/api/v1{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    return reply.body if isinstance(reply.body, dict | list) else {}


def every(secret: Secret, path: str, most: int, *, what: str) -> list[Any]:
    """Every page's entries (as n8n reads them: until a page is empty), at most `most`."""
    found: list[Any] = []
    page = 1
    while len(found) < most:
        batch = call(secret, "GET", path, what=what, params={"page": page, "per_page": PAGE})
        if not isinstance(batch, list) or not batch:
            break
        found += batch
        page += 1
    return found[:most]


def check_token(secret: Secret) -> str:
    """GET /users/me: whose token it is, changing nothing."""
    me = call(secret, "GET", "/users/me", what="users/me")
    name = " ".join(str(me.get(k) or "") for k in ("firstname", "lastname")).strip()
    return f"Connected to Zammad as {name or me.get('login') or 'a user'}."
