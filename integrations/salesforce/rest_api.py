"""Salesforce's OAuth 2.0 token endpoint and REST API (`<instance>/services/data/v59.0`), over
httpx through the guarded transport.

Each step trades the refresh token for an access token and the org's instance URL, used for
all its calls and never stored. Errors are a list of `{"message", "errorCode", "fields"}`; an
expired or revoked session answers 401 `INVALID_SESSION_ID`, and the token endpoint refuses a
bad refresh token or app with 400 `{"error", "error_description"}`. Queries come in batches of
up to 2000 records, the next batch at `nextRecordsUrl` until `done`.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.salesforce.credentials import LOGIN_URL, SalesforceOAuth2
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

VERSION = "v59.0"


def _error_text(body: Any) -> str | None:
    if isinstance(body, list) and body and isinstance(body[0], dict):
        first = body[0]
        code = first.get("errorCode")
        message = first.get("message") or ""
        return f"{code}: {message}" if code else str(message) or None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return f"{body['error']}: {body.get('error_description', '')}".strip(": ")
    return None


API = http.Api("Salesforce", error_text=_error_text, auth_statuses=frozenset({401}))
TOKEN_API = http.Api("Salesforce", error_text=_error_text, auth_statuses=frozenset({400, 401}))


class Salesforce:
    """The credential's org for one step: one access token and instance URL for its calls."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        self.fields = read_fields(SalesforceOAuth2, secret)
        self._session: tuple[str, str] | None = None

    def _login(self) -> tuple[str, str]:
        form = {
            "grant_type": "refresh_token",
            "refresh_token": self.fields.refresh_token.get_secret_value(),
            "client_id": self.fields.client_id,
            "client_secret": self.fields.client_secret.get_secret_value(),
        }
        url = f"{(self.fields.base_url or LOGIN_URL).rstrip('/')}/services/oauth2/token"
        reply = http.send(
            TOKEN_API, self.secret, "POST", url, what="the access token request", data=form
        )
        body = reply.body if isinstance(reply.body, dict) else {}
        token, instance = body.get("access_token"), body.get("instance_url")
        if not token or not instance:
            raise NodeError(
                "Salesforce answered the access token request without a token or instance URL."
            )
        return str(token), str(instance).rstrip("/")

    def session(self) -> tuple[str, str]:
        """(access token, instance URL), asked for once per step."""
        if self._session is None:
            self._session = self._login()
        return self._session

    def call(self, method: str, path: str, *, what: str, **body: Any) -> Any:
        """A call (`path` below /services/data/<version>, or a full path from Salesforce such
        as nextRecordsUrl) and its JSON answer (None for an empty 204)."""
        token, instance = self.session()
        if not path.startswith("/services/"):
            path = f"/services/data/{VERSION}{path}"
        headers = {"Authorization": f"Bearer {token}"}
        reply = http.send(
            API, self.secret, method, f"{instance}{path}", what=what, headers=headers, **body
        )
        if reply.status == 204:
            return None
        if not isinstance(reply.body, dict | list):
            raise NodeError(
                f"Salesforce answered {what} with something that is not JSON; check the "
                "credential's login URL."
            )
        return reply.body


def check_token(secret: Secret) -> str:
    """GET /limits after the token exchange: the app and token work, nothing changes."""
    org = Salesforce(secret)
    org.call("GET", "/limits", what="limits")
    return f"Connected to Salesforce at {org.session()[1]}."
