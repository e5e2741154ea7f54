"""Webflow's Data API v2 (`https://api.webflow.com/v2`), over httpx through the guarded
transport.

Requests carry the token as a bearer token. Errors are `{"code", "message", "details"}`; the
message is quoted, 401 and 403 name the credential, 429 waits as `Retry-After` asks. Lists come
by `offset` pages of up to 100 (`limit`), until the items read reach `pagination.total`.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.webflow.credentials import ApiToken
from workfuse.lib.node_run import Secret

PUBLIC = "https://api.webflow.com/v2"
PAGE = 100  # Webflow's largest page, n8n's page size


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict) or not body.get("message"):
        return None
    details = body.get("details")
    said = [str(d.get("message") or d) if isinstance(d, dict) else str(d) for d in details or []]
    return "; ".join([str(body["message"]), *said])


API = http.Api("Webflow", error_text=_error_text)


def send(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> http.Reply:
    """A call to `path` below `/v2` (its status, headers and parsed answer)."""
    fields = read_fields(ApiToken, secret)
    headers = {"Authorization": f"Bearer {fields.token.get_secret_value()}"}
    url = f"{(fields.base_url or PUBLIC).rstrip('/')}{path}"
    return http.send(API, secret, method, url, what=what, headers=headers, **body)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call to `path` and its JSON answer ({} for an empty one)."""
    reply = send(secret, method, path, what=what, **body)
    return reply.body if isinstance(reply.body, dict | list) else {}


def every(secret: Secret, path: str, most: int, *, what: str) -> list[Any]:
    """Every page's `items` until `pagination.total` are read (as n8n reads them), at most
    `most`: pages of up to 100 from `offset` 0."""
    found: list[Any] = []
    while len(found) < most:
        # A first page no larger than `most` is n8n's own request for a limit (`limit` ≤ 100).
        query = {"limit": min(PAGE, most - len(found)), "offset": len(found)}
        page = call(secret, "GET", path, what=what, params=query)
        items = page.get("items") if isinstance(page, dict) else None
        pagination = page.get("pagination") if isinstance(page, dict) else None
        total = pagination.get("total") if isinstance(pagination, dict) else None
        if not isinstance(items, list) or not items:
            break
        found += items
        if not isinstance(total, int) or len(found) >= total:
            break
    return found[:most]


def check_token(secret: Secret) -> str:
    """GET /sites: the sites the token reaches, changing nothing."""
    sites = call(secret, "GET", "/sites", what="sites").get("sites") or []
    return f"Connected to Webflow ({len(sites)} site{'s' if len(sites) != 1 else ''})."
