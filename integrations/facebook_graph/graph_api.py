"""The Graph API over httpx through the guarded transport: `<host>/<version>/<node>/<edge>`
with the token in the `access_token` query parameter.

Errors are `{"error": {"message", "type", "code", "error_subcode"}}`, quoted in messages (an
expired token is Meta's 400 with code 190: its message says so). Codes 4, 17, 32 and 613 are
rate limits, which Meta answers with 400 or 403 rather than 429.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.facebook_graph.credentials import PUBLIC_URL, VIDEO_URL, AccessToken
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

RATE_LIMIT_CODES = frozenset({4, 17, 32, 613})


def _error(body: Any) -> dict[str, Any]:
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _error_text(body: Any) -> str | None:
    error = _error(body)
    return str(error["message"]) if error.get("message") else None


def _rate_limited(reply: http.Reply) -> bool:
    return reply.status == 429 or _error(reply.body).get("code") in RATE_LIMIT_CODES


API = http.Api("Facebook Graph API", error_text=_error_text, is_rate_limit=_rate_limited)


def call(
    secret: Secret,
    method: str,
    path: str,
    *,
    what: str,
    params: dict[str, Any] | None = None,
    video: bool = False,
) -> Any:
    """A call to `path` (`v20.0/me/accounts`, the version optional) with query `params`; the
    answer as n8n outputs it (a text answer is refused as n8n does)."""
    fields = read_fields(AccessToken, secret)
    base = fields.base_url or (VIDEO_URL if video else PUBLIC_URL)
    query = {**(params or {}), "access_token": fields.access_token.get_secret_value()}
    url = f"{base}/{path.strip('/')}"
    reply = http.send(API, secret, method, url, what=what, params=query)
    if not isinstance(reply.body, dict | list):
        raise NodeError(f"The Facebook Graph API answered {what} with a body that is not JSON.")
    return reply.body


def check_token(secret: Secret) -> str:
    """GET /me: whom the token speaks for, changing nothing."""
    me = call(secret, "GET", "me", what="me", params={"fields": "id,name"})
    return f"Connected to the Facebook Graph API as {me.get('name') or me.get('id')}."
