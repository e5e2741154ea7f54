"""Airtable's Web API, over httpx through the guarded transport.

pyairtable is not used: it sends with `requests`, which the private-network guard
(`workfuse.lib.netguard`, an httpx transport) cannot sit under; the API is plain JSON.

Requests carry `Authorization: Bearer <token>`. Errors are `{"error": {"type": ...,
"message": ...}}` or `{"error": "NOT_FOUND"}`. 401 is a wrong token; 403
(`INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND`) a token without access to that base or table:
both name the credential. A rate limit answers 429, and Airtable documents that the caller
must then wait 30 seconds.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from integrations import http
from integrations.airtable.credentials import DEFAULT_BASE_URL, AccessToken
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

RATE_LIMIT_WAIT = 30.0  # seconds, as Airtable documents for a 429


def _error_text(body: Any) -> str | None:
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        said = [str(error[k]) for k in ("type", "message") if error.get(k)]
        return ": ".join(said) or None
    return str(error) if error else None


def _after_429(reply: http.Reply) -> float | None:
    return RATE_LIMIT_WAIT if reply.status == 429 else None


API = http.Api("Airtable", error_text=_error_text, fallback_wait=_after_429)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> dict[str, Any]:
    """A Web API call (`path` below `/v0`) and its JSON answer."""
    fields = read_fields(AccessToken, secret)
    headers = {"Authorization": f"Bearer {fields.token.get_secret_value()}"}
    url = f"{fields.base_url or DEFAULT_BASE_URL}/v0{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if not isinstance(reply.body, dict):
        raise NodeError(f"Airtable answered {what} with something that is not JSON.")
    return reply.body


def table_path(base_id: str, table: str) -> str:
    return f"/{quote(base_id.strip(), safe='')}/{quote(table.strip(), safe='')}"


def check_token(secret: Secret) -> str:
    """GET /v0/meta/whoami: whose token it is, changing nothing."""
    me = call(secret, "GET", "/meta/whoami", what="whoami")
    who = me.get("email") or me.get("id") or "an unnamed user"
    scopes = me.get("scopes")
    said = f" with the scopes {', '.join(map(str, scopes))}" if isinstance(scopes, list) else ""
    return f"Connected to Airtable as {who}{said}."
