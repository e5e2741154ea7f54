"""GitHub's REST API, over httpx through the guarded transport.

PyGithub is not used: it sends with `requests`, which the private-network guard
(`workfuse.lib.netguard`, an httpx transport) cannot sit under; the REST API is plain JSON.

Every request carries `Authorization: Bearer <token>`, `Accept: application/vnd.github+json`
and `X-GitHub-Api-Version`. Errors are `{"message": ..., "errors": [...]}`. Rate limits:
the primary limit answers 403 or 429 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset`
(epoch seconds); the secondary limits answer 403 or 429 with `retry-after`. A 403 without
those is a token lacking a permission: it names the credential.
"""

from __future__ import annotations

import time
from typing import Any

from integrations import http
from integrations.github.credentials import DEFAULT_BASE_URL, AccessToken
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

API_VERSION = "2022-11-28"


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict) or not body.get("message"):
        return None
    text = str(body["message"])
    errors = body.get("errors")
    if isinstance(errors, list) and errors:
        said = [
            str(e.get("message") or f"{e.get('field', '?')} {e.get('code', 'invalid')}")
            if isinstance(e, dict)
            else str(e)
            for e in errors[:3]
        ]
        text += f" ({'; '.join(said)})"
    return text


def _is_rate_limit(reply: http.Reply) -> bool:
    if reply.status not in (403, 429):
        return False
    return reply.status == 429 or (
        reply.headers.get("x-ratelimit-remaining") == "0" or "retry-after" in reply.headers
    )


def _until_reset(reply: http.Reply) -> float | None:
    """Seconds until `x-ratelimit-reset` (epoch seconds), when the limit is used up."""
    if reply.headers.get("x-ratelimit-remaining") != "0":
        return None
    try:
        reset = float(reply.headers.get("x-ratelimit-reset", ""))
    except ValueError:
        return None
    return max(0.0, reset - time.time())


API = http.Api(
    "GitHub",
    error_text=_error_text,
    is_rate_limit=_is_rate_limit,
    fallback_wait=_until_reset,
)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> http.Reply:
    """A REST call (`path` below the API's root, e.g. `/repos/o/r/issues`) and its 2xx answer."""
    fields = read_fields(AccessToken, secret)
    headers = {
        "Authorization": f"Bearer {fields.token.get_secret_value()}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": API_VERSION,
    }
    url = f"{fields.base_url or DEFAULT_BASE_URL}{path}"
    return http.send(API, secret, method, url, what=what, headers=headers, **body)


def check_token(secret: Secret) -> str:
    """GET /user: whose token it is, changing nothing."""
    user = call(secret, "GET", "/user", what="GET /user").body
    if not isinstance(user, dict) or not user.get("login"):
        raise NodeError("GitHub answered GET /user without a login.")
    return f"Connected to GitHub as {user['login']}."
