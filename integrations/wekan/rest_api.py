"""Wekan's REST API, over httpx through the guarded transport.

Each step logs in once (`POST /users/login` with the user name and password, as n8n's node
does) and sends the token as a bearer on its calls; the token is not stored. Wekan answers
errors as `{"error", "reason"}` (Meteor's shape); a refused login names the credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.wekan.credentials import Login
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if isinstance(body, dict) and (body.get("reason") or body.get("error")):
        return str(body.get("reason") or body.get("error"))
    return None


API = http.Api("Wekan", error_text=_error_text)
LOGIN_API = http.Api("Wekan", error_text=_error_text, auth_statuses=frozenset({400, 401, 403}))


class Server:
    """The credential's Wekan server for one step: one login for all its calls."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        self.fields = read_fields(Login, secret)
        self.base = self.fields.base_url.rstrip("/")
        self._token: str | None = None
        self.user_id = ""

    def _login(self) -> str:
        body = {
            "username": self.fields.username,
            "password": self.fields.password.get_secret_value(),
        }
        url = f"{self.base}/users/login"
        reply = http.send(LOGIN_API, self.secret, "POST", url, what="the login", json=body)
        token = reply.body.get("token") if isinstance(reply.body, dict) else None
        if not token:
            raise NodeError("Wekan answered the login without a token; check the server address.")
        self.user_id = str(reply.body.get("id") or "")
        return str(token)

    def user(self) -> str:
        """The logged-in user's id (logging in first if needed)."""
        if self._token is None:
            self._token = self._login()
        return self.user_id

    def call(self, method: str, path: str, what: str, **body: Any) -> Any:
        """A call (`path` below `/api`) and its JSON answer ({} for an empty one)."""
        if self._token is None:
            self._token = self._login()
        headers = {"Authorization": f"Bearer {self._token}"}
        url = f"{self.base}/api{path}"
        reply = http.send(API, self.secret, method, url, what=what, headers=headers, **body)
        if reply.body in ("", None):
            return {}
        if not isinstance(reply.body, dict | list):
            raise NodeError(f"Wekan answered {what} with something that is not JSON.")
        return reply.body


def check(secret: Secret) -> str:
    """The login: proves the user name and password, changing nothing."""
    server = Server(secret)
    server.user()
    return f"Wekan accepted the login of {server.fields.username}."
