"""Hunter's API v2 (`/v2`), over httpx through the guarded transport.

Requests carry the key as the `api_key` query parameter (messages never quote a URL). Answers
are `{"data", "meta"}`; errors `{"errors": [{"id", "code", "details"}]}`: 401
`authentication_failed` and 403 name the credential, 429 is a rate limit. An email verification
Hunter has not finished answers 202: asking again shortly gets the result, so it is retried.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.hunter.credentials import PUBLIC_URL, ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

VERIFYING_WAIT_SECONDS = 10.0


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    said = [
        f"{e.get('id')}: {e.get('details')}" if e.get("id") else str(e.get("details"))
        for e in body.get("errors") or []
        if isinstance(e, dict) and e.get("details")
    ]
    return "; ".join(said) or None


API = http.Api("Hunter", error_text=_error_text)


def call(secret: Secret, path: str, *, what: str, params: dict[str, Any]) -> Any:
    """A GET below `/v2` and its answer's `data`."""
    fields = read_fields(ApiKey, secret)
    url = f"{fields.base_url or PUBLIC_URL}/v2{path}"
    query = {**params, "api_key": fields.api_key.get_secret_value()}
    reply = http.send(API, secret, "GET", url, what=what, params=query)
    if reply.status == 202:
        raise NodeError(
            f"Hunter is still working on {what}; asking again shortly gets the result.",
            retryable=True,
            retry_after=VERIFYING_WAIT_SECONDS,
        )
    if not isinstance(reply.body, dict):
        raise NodeError(f"Hunter answered {what} with something that is not JSON.")
    return reply.body


def check_key(secret: Secret) -> str:
    """GET /account: whose key it is, changing nothing (and using no search)."""
    account = call(secret, "/account", what="account", params={}).get("data") or {}
    return f"Connected to Hunter as {account.get('email') or 'the account'}."
