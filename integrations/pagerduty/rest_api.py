"""PagerDuty's REST API v2, over httpx through the guarded transport.

Requests carry `Authorization: Token token=<key>` and `Accept:
application/vnd.pagerduty+json;version=2`; writes with an account key name the acting user in a
`From` header (an email). Errors are `{"error": {"message", "code", "errors": [...]}}`; 401
and 403 name the credential; 429 waits its `Retry-After` (PagerDuty sends `ratelimit-reset`
too). Lists come in pages: `{<name>: [...], "limit", "offset", "more"}`.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.pagerduty.credentials import PUBLIC_URL, ApiToken
from integrations.service import read_fields
from workfuse.lib import retry_after
from workfuse.lib.node_run import NodeError, Secret

ACCEPT = "application/vnd.pagerduty+json;version=2"


def _error_text(body: Any) -> str | None:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not error.get("message"):
        return None
    details = [str(e) for e in error.get("errors") or []]
    return f"{error['message']}: {'; '.join(details)}" if details else str(error["message"])


def _reset(reply: http.Reply) -> float | None:
    """`ratelimit-reset`: the seconds until the limit resets."""
    return retry_after.parse(reply.headers.get("ratelimit-reset"))


API = http.Api("PagerDuty", error_text=_error_text, fallback_wait=_reset)


def call(
    secret: Secret, method: str, path: str, *, what: str, sender: str = "", **body: Any
) -> Any:
    """A call (`path` below the API's root) and its JSON answer (None for an empty 204);
    `sender`: the From header's email."""
    fields = read_fields(ApiToken, secret)
    headers = {"Authorization": f"Token token={fields.api_token.get_secret_value()}"}
    headers["Accept"] = ACCEPT
    if sender.strip():
        headers["From"] = sender.strip()
    url = f"{fields.base_url or PUBLIC_URL}{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if reply.status == 204:
        return None
    if not isinstance(reply.body, dict):
        raise NodeError(
            f"PagerDuty answered {what} with something that is not JSON; check the credential's "
            "base URL (leave it empty for PagerDuty itself)."
        )
    return reply.body


def check_token(secret: Secret) -> str:
    """GET /abilities: what the account may do, changing nothing (an account key has no user,
    so /users/me would refuse it)."""
    answer = call(secret, "GET", "/abilities", what="abilities")
    abilities = answer.get("abilities") if isinstance(answer, dict) else None
    count = len(abilities) if isinstance(abilities, list) else 0
    return f"Connected to PagerDuty: the account has {count} abilities."
