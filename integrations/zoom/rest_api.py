"""Zoom's token endpoint and REST API v2, over httpx through the guarded transport.

Each step trades the app's account id, client id and secret for an access token (the
`account_credentials` grant, the client id and secret as HTTP Basic) and uses it for all its
calls. Errors are `{"code", "message"}` (the token endpoint's `{"reason", "error"}`): quoted,
401 and 403 name the credential. Lists page by `next_page_token`.
"""

from __future__ import annotations

import base64
from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.zoom.credentials import PUBLIC_URL, TOKEN_URL, ServerToServerApp
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    text = body.get("message") or body.get("reason") or body.get("error")
    return str(text) if text else None


API = http.Api("Zoom", error_text=_error_text)
TOKEN_API = http.Api("Zoom", error_text=_error_text, auth_statuses=frozenset({400, 401}))


class Account:
    """The credential's Zoom account for one step: one access token for all its calls."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        self.fields = read_fields(ServerToServerApp, secret)
        self._token: str | None = None

    def _access_token(self) -> str:
        pair = f"{self.fields.client_id}:{self.fields.client_secret.get_secret_value()}"
        headers = {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}
        form = {"grant_type": "account_credentials", "account_id": self.fields.account_id}
        reply = http.send(
            TOKEN_API,
            self.secret,
            "POST",
            self.fields.token_url or TOKEN_URL,
            what="the access token request",
            headers=headers,
            data=form,
        )
        token = reply.body.get("access_token") if isinstance(reply.body, dict) else None
        if not token:
            raise NodeError("Zoom answered the access token request without a token.")
        return str(token)

    def call(self, method: str, path: str, *, what: str, **body: Any) -> dict[str, Any]:
        """A call to `path` below `/v2`; its JSON answer ({} for Zoom's empty 204s)."""
        if self._token is None:
            self._token = self._access_token()
        headers = {"Authorization": f"Bearer {self._token}"}
        url = f"{self.fields.base_url or PUBLIC_URL}/v2{path}"
        reply = http.send(API, self.secret, method, url, what=what, headers=headers, **body)
        return reply.body if isinstance(reply.body, dict) else {}


def check_app(secret: Secret) -> str:
    """GET /users/me: the account's user the app acts as, changing nothing."""
    user = Account(secret).call("GET", "/users/me", what="users/me")
    return f"Connected to Zoom as {user.get('email') or user.get('display_name') or 'a user'}."
