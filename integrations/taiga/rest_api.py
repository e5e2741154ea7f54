"""Taiga's REST API (`/api/v1`), over httpx through the guarded transport.

Each step signs in once (`POST /auth` with `{"type": "normal", "username", "password"}`) and
sends the `auth_token` it gets as a bearer token. Errors are `{"_error_message": …}` or a field's
list of messages (`{"subject": ["This field is required."]}`); 401 and 403 name the credential.
Lists come in pages of 30 by `page`, while `x-pagination-next` names a next page.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.taiga.credentials import PUBLIC_URL, Login
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    if body.get("_error_message"):
        return str(body["_error_message"])
    fields = [f"{k}: {' '.join(map(str, v))}" for k, v in body.items() if isinstance(v, list)]
    return "; ".join(fields) or None


API = http.Api("Taiga", error_text=_error_text)


class Session:
    """One step's signed-in session."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        fields = read_fields(Login, secret)
        self.root = f"{fields.base_url or PUBLIC_URL}/api/v1"
        body = {
            "type": "normal",
            "username": fields.username,
            "password": fields.password.get_secret_value(),
        }
        answer = http.send(API, secret, "POST", f"{self.root}/auth", what="auth", json=body).body
        token = answer.get("auth_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise NodeError(
                "Taiga answered the sign-in without an auth token; check the credential's base "
                "URL (leave it empty for taiga.io)."
            )
        self.user = answer.get("full_name") or answer.get("username") or fields.username
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, *, what: str, **body: Any) -> Any:
        """A call (`path` below `/api/v1`) and its JSON answer (None for an empty 204)."""
        reply = self.reply(method, path, what=what, **body)
        return None if reply.status == 204 else reply.body

    def reply(self, method: str, path: str, *, what: str, **body: Any) -> http.Reply:
        url = f"{self.root}{path}"
        return http.send(API, self.secret, method, url, what=what, headers=self.headers, **body)


def check_login(secret: Secret) -> str:
    """POST /auth: the sign-in works, nothing changes."""
    return f"Connected to Taiga as {Session(secret).user}."
