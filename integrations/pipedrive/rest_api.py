"""Pipedrive's REST API v1 (`https://api.pipedrive.com/v1`), over httpx through the guarded
transport.

Every answer is `{"success": bool, "data": ..., "additional_data": {"pagination": ...}}`;
errors add `"error"` and `"error_info"`. Lists page with `start`/`limit` and say
`more_items_in_collection` / `next_start`. A 429 carries `Retry-After` (and
`x-ratelimit-reset`, the seconds until the window resets).
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.pipedrive.credentials import ApiToken
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

PUBLIC_URL = "https://api.pipedrive.com"
PAGE = 100  # n8n's page size; Pipedrive allows up to 500


def _error_text(body: Any) -> str | None:
    if isinstance(body, dict) and body.get("error"):
        info = body.get("error_info")
        return f"{body['error']} ({info})" if info else str(body["error"])
    return None


def _reset(reply: http.Reply) -> float | None:
    value = reply.headers.get("x-ratelimit-reset")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


API = http.Api(
    "Pipedrive", error_text=_error_text, fallback_wait=_reset, auth_statuses=frozenset({401})
)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> dict[str, Any]:
    """A call (`path` below `/v1`) and Pipedrive's whole answer (`data` and
    `additional_data`)."""
    fields = read_fields(ApiToken, secret)
    headers = {"x-api-token": fields.api_token.get_secret_value(), "Accept": "application/json"}
    url = f"{fields.base_url or PUBLIC_URL}/v1{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if not isinstance(reply.body, dict):
        raise NodeError(
            f"Pipedrive answered {what} with something that is not JSON; check the credential's "
            "base URL (leave it empty for Pipedrive itself)."
        )
    if reply.body.get("success") is False:
        raise NodeError(
            f"Pipedrive refused {what}: {_error_text(reply.body) or 'no reason given'}",
            detail={"status": reply.status, "error": reply.body.get("error")},
        )
    return reply.body


def pages(secret: Secret, path: str, query: dict[str, Any], *, what: str, most: int) -> list[Any]:
    """Up to `most` records of a list or search, page after page; a search's `data.items`
    are its records."""
    found: list[Any] = []
    start = 0
    while len(found) < most:
        params = {**query, "start": start, "limit": min(PAGE, most - len(found))}
        answer = call(secret, "GET", path, what=what, params=params)
        data = answer.get("data") or []
        found.extend((data.get("items") or []) if isinstance(data, dict) else data)
        more = ((answer.get("additional_data") or {}).get("pagination")) or {}
        if not more.get("more_items_in_collection") or not data:
            break
        start = int(more.get("next_start") or start + PAGE)
    return found[:most]


def check_token(secret: Secret) -> str:
    """GET /users/me: whose token it is, changing nothing."""
    me = call(secret, "GET", "/users/me", what="users/me").get("data") or {}
    company = me.get("company_name") or me.get("company_domain") or "their company"
    return f"Connected to Pipedrive as {me.get('name') or me.get('email') or '?'} ({company})."
