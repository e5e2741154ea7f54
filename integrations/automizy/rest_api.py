"""Automizy's REST API v2 (`/v2`), over httpx through the guarded transport.

Requests carry the token as a bearer token. Errors carry `detail`, `message` or `title`; it is
quoted, 401 and 403 name the credential. Lists come by pages (`limit`, `page`) with the page
count beside them (`pageCount`).
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.automizy.credentials import PUBLIC_URL, ApiToken
from integrations.service import read_fields
from workfuse.lib.node_run import Secret

PAGE = 100  # n8n's page size when it reads every page


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    said = body.get("detail") or body.get("message") or body.get("title") or body.get("error")
    return str(said) if said else None


API = http.Api("Automizy", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call to `path` below `/v2` and its JSON answer ({} for an empty one)."""
    fields = read_fields(ApiToken, secret)
    headers = {"Authorization": f"Bearer {fields.api_token.get_secret_value()}"}
    url = f"{fields.base_url or PUBLIC_URL}/v2{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    return reply.body if isinstance(reply.body, dict | list) else {}


def every(
    secret: Secret, path: str, key: str, query: dict[str, Any], most: int, *, what: str
) -> list[Any]:
    """The `key` lists of every page (as n8n reads them: until `page` is `pageCount`), at most
    `most` entries."""
    found: list[Any] = []
    page = 1
    while len(found) < most:
        answer = call(secret, "GET", path, what=what, params={**query, "limit": PAGE, "page": page})
        if not isinstance(answer, dict):
            break
        found += answer.get(key) or []
        if answer.get("page", page) >= answer.get("pageCount", 0):
            break
        page += 1
    return found[:most]


def check_token(secret: Secret) -> str:
    """GET /smart-lists?limit=1: the token reads the account's lists, changing nothing."""
    answer = call(secret, "GET", "/smart-lists", what="lists", params={"limit": 1})
    total = answer.get("totalCount") if isinstance(answer, dict) else None
    lists = f" ({total} lists)" if total is not None else ""
    return f"Connected to Automizy{lists}."
