"""Linear's GraphQL API (`POST /graphql`), over httpx through the guarded transport.

Linear answers a failed operation with `{"errors": [{"message", "extensions": {"code",
"userPresentableMessage"}}]}`, under HTTP 400 (or 200 beside partial data). The code says what
happened: `AUTHENTICATION_ERROR` (a key revoked or wrong: named, not retried), `RATELIMITED`
(retried after the reset Linear gives in `X-RateLimit-Requests-Reset`, a time in ms), others
(`INVALID_INPUT`, `ENTITY_NOT_FOUND`) carry Linear's words.
"""

from __future__ import annotations

import time
from typing import Any

from integrations import http
from integrations.linear.credentials import PUBLIC_URL, ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

AUTH_CODES = {"AUTHENTICATION_ERROR", "FORBIDDEN"}


def _first_error(body: Any) -> dict[str, Any] | None:
    errors = body.get("errors") if isinstance(body, dict) else None
    first = errors[0] if isinstance(errors, list) and errors else None
    return first if isinstance(first, dict) else None


def _code(error: dict[str, Any]) -> str:
    extensions = error.get("extensions")
    return str(extensions.get("code") or "") if isinstance(extensions, dict) else ""


def _error_text(body: Any) -> str | None:
    error = _first_error(body)
    if error is None:
        return None
    extensions = error.get("extensions") if isinstance(error.get("extensions"), dict) else {}
    said = (extensions or {}).get("userPresentableMessage") or error.get("message") or "error"
    code = _code(error)
    return f"{code}: {said}" if code else str(said)


def _is_rate_limit(reply: http.Reply) -> bool:
    error = _first_error(reply.body)
    return reply.status == 429 or (error is not None and _code(error) == "RATELIMITED")


def _reset(reply: http.Reply) -> float | None:
    try:
        reset_ms = float(reply.headers.get("x-ratelimit-requests-reset", ""))
    except ValueError:
        return None
    return max(reset_ms / 1000 - time.time(), 1.0)


API = http.Api(
    "Linear",
    error_text=_error_text,
    is_rate_limit=_is_rate_limit,
    fallback_wait=_reset,
    auth_statuses=frozenset({401}),
)


def call(secret: Secret, query: str, variables: dict[str, Any], *, what: str) -> dict[str, Any]:
    """One GraphQL operation and its `data`. Raises NodeError."""
    fields = read_fields(ApiKey, secret)
    headers = {"Authorization": fields.api_key.get_secret_value()}
    url = f"{fields.base_url or PUBLIC_URL}/graphql"
    body = {"query": query, "variables": variables}
    try:
        reply = http.send(API, secret, "POST", url, what=what, headers=headers, json=body)
    except NodeError as failed:
        raise _by_code(failed, secret) from None
    if _first_error(reply.body) is not None:  # HTTP 200 with errors: failed all the same
        reply = http.Reply(400, reply.headers, reply.body)
        raise _by_code(http.failure(API, secret, reply, what), secret)
    data = reply.body.get("data") if isinstance(reply.body, dict) else None
    if not isinstance(data, dict):
        raise NodeError(
            f"Linear answered {what} without data; check the credential's base URL (leave it "
            "empty for Linear itself)."
        )
    return data


def _by_code(error: NodeError, secret: Secret) -> NodeError:
    """An authentication error names the credential, whatever the status Linear sent it with."""
    text = str(error.detail.get("error") or "")
    if text.split(":", 1)[0] in AUTH_CODES and not error.retryable:
        return http.auth_error(API, secret, text, error.detail.get("status"))
    return error


def check_key(secret: Secret) -> str:
    """`viewer`: whose key it is, changing nothing."""
    viewer = call(secret, "query { viewer { id name email } }", {}, what="viewer").get("viewer")
    who = viewer.get("name") or viewer.get("email") if isinstance(viewer, dict) else None
    return f"Connected to Linear as {who or 'someone'}."
