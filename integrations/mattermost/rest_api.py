"""Mattermost's REST API (`/api/v4`), over httpx through the guarded transport.

Requests carry `Authorization: Bearer <token>`. Errors are `{"id": "api.context.…",
"message", "detailed_error", "request_id", "status_code"}`; 401 (a token revoked or wrong)
names the credential, 403 ("you do not have the appropriate permissions") is the server's word
about that user's rights and is passed on. A 429 carries `X-Ratelimit-Reset` (seconds until the
limit resets, not a Unix time) beside `Retry-After`.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.mattermost.credentials import AccessToken
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if isinstance(body, dict) and body.get("message"):
        code = body.get("id")
        return f"{body['message']} ({code})" if code else str(body["message"])
    return None


def _reset_in(reply: http.Reply) -> float | None:
    try:
        return float(reply.headers.get("x-ratelimit-reset", ""))
    except ValueError:
        return None


API = http.Api(
    "Mattermost", error_text=_error_text, fallback_wait=_reset_in, auth_statuses=frozenset({401})
)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call (`path` below `/api/v4`) and its JSON answer."""
    fields = read_fields(AccessToken, secret)
    headers = {"Authorization": f"Bearer {fields.access_token.get_secret_value()}"}
    url = f"{fields.base_url}/api/v4{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if not isinstance(reply.body, dict | list):
        raise NodeError(
            f"Mattermost answered {what} with something that is not JSON; check that the "
            "credential's address is the Mattermost server's."
        )
    return reply.body


def check_token(secret: Secret) -> str:
    """GET /users/me: whose token it is, changing nothing."""
    me = call(secret, "GET", "/users/me", what="users/me")
    who = me.get("username") if isinstance(me, dict) else None
    return f"Connected to Mattermost as @{who or 'someone'}."
