"""Trello's REST API (`https://api.trello.com/1`), over httpx through the guarded transport.

The key and token travel in `Authorization: OAuth oauth_consumer_key="…", oauth_token="…"`
(Trello accepts it in place of the `key`/`token` query parameters, which would put secrets in
URLs and logs). Errors are mostly plain text ("invalid id", "invalid token"); 401 names the
credential. A 429 is JSON `{"error": "API_TOKEN_LIMIT_EXCEEDED", "message"}`; Trello's limits
roll over ten seconds.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.trello.credentials import ApiKeyToken
from workfuse.lib.node_run import NodeError, Secret

PUBLIC_URL = "https://api.trello.com"
WINDOW_SECONDS = 10.0


def _error_text(body: Any) -> str | None:
    if isinstance(body, dict) and body.get("message"):
        return f"{body.get('error') or 'error'}: {body['message']}"
    return None


def _window(reply: http.Reply) -> float | None:
    return WINDOW_SECONDS


# 403 is Trello's "this token may not touch that board": the service's words say so, the
# credential itself is fine.
API = http.Api(
    "Trello", error_text=_error_text, fallback_wait=_window, auth_statuses=frozenset({401})
)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call (`path` below `/1`) and its JSON answer."""
    fields = read_fields(ApiKeyToken, secret)
    key, token = fields.api_key.get_secret_value(), fields.api_token.get_secret_value()
    headers = {"Authorization": f'OAuth oauth_consumer_key="{key}", oauth_token="{token}"'}
    url = f"{fields.base_url or PUBLIC_URL}/1{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if not isinstance(reply.body, dict | list):
        raise NodeError(
            f"Trello answered {what} with something that is not JSON; check the credential's "
            "base URL (leave it empty for Trello itself)."
        )
    return reply.body


def check_token(secret: Secret) -> str:
    """GET /members/me: whose token it is, changing nothing."""
    me = call(secret, "GET", "/members/me", what="members/me")
    who = (me.get("fullName") or me.get("username") or "someone") if isinstance(me, dict) else "?"
    return f"Connected to Trello as {who}."
