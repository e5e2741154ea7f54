"""monday.com's GraphQL API (`POST /v2`, `API-Version` pinned), over httpx through the guarded
transport.

monday.com answers a failed operation with `{"errors": [{"message", "extensions": {"code"}}]}`,
often under HTTP 200 (older versions: `{"error_code", "error_message", "status_code"}`). A
token it does not accept is a 401 (named, not retried); a spent complexity budget or rate
limit (`COMPLEXITY_BUDGET_EXHAUSTED`, `RATE_LIMIT_EXCEEDED`, HTTP 429) is retried after the
`retry_in_seconds` it gives.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.monday.credentials import PUBLIC_URL, ApiToken
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

API_VERSION = "2025-04"
LIMIT_CODES = {"COMPLEXITY_BUDGET_EXHAUSTED", "RATE_LIMIT_EXCEEDED", "ComplexityException"}


def _first_error(body: Any) -> dict[str, Any] | None:
    if not isinstance(body, dict):
        return None
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return errors[0]
    if body.get("error_message") or body.get("error_code"):
        return {
            "message": body.get("error_message"),
            "extensions": {"code": body.get("error_code")},
        }
    return None


def _extensions(error: dict[str, Any]) -> dict[str, Any]:
    found = error.get("extensions")
    return found if isinstance(found, dict) else {}


def _error_text(body: Any) -> str | None:
    error = _first_error(body)
    if error is None:
        return None
    code = str(_extensions(error).get("code") or "")
    said = str(error.get("message") or "error")
    return f"{code}: {said}" if code else said


def _retry_in(body: Any) -> float | None:
    error = _first_error(body)
    wait = _extensions(error).get("retry_in_seconds") if error else None
    return float(wait) if isinstance(wait, int | float) else None


def _is_rate_limit(reply: http.Reply) -> bool:
    error = _first_error(reply.body)
    return reply.status == 429 or (
        error is not None and str(_extensions(error).get("code")) in LIMIT_CODES
    )


API = http.Api(
    "monday.com",
    error_text=_error_text,
    retry_after=_retry_in,
    is_rate_limit=_is_rate_limit,
    auth_statuses=frozenset({401, 403}),
)


def call(secret: Secret, query: str, variables: dict[str, Any], *, what: str) -> dict[str, Any]:
    """One GraphQL operation and its `data`. Raises NodeError."""
    fields = read_fields(ApiToken, secret)
    headers = {
        "Authorization": fields.api_token.get_secret_value(),
        "API-Version": API_VERSION,
    }
    url = f"{fields.base_url or PUBLIC_URL}/v2"
    body = {"query": query, "variables": variables}
    reply = http.send(API, secret, "POST", url, what=what, headers=headers, json=body)
    if _first_error(reply.body) is not None:  # HTTP 200 with errors: failed all the same
        status = 429 if _is_rate_limit(reply) else 400
        raise http.failure(API, secret, http.Reply(status, reply.headers, reply.body), what)
    data = reply.body.get("data") if isinstance(reply.body, dict) else None
    if not isinstance(data, dict):
        raise NodeError(
            f"monday.com answered {what} without data; check the credential's base URL (leave "
            "it empty for monday.com itself)."
        )
    return data


def check_token(secret: Secret) -> str:
    """`me`: whose token it is, changing nothing."""
    me = call(secret, "query { me { id name email } }", {}, what="me").get("me")
    who = (me.get("name") or me.get("email")) if isinstance(me, dict) else None
    return f"Connected to monday.com as {who or 'someone'}."
