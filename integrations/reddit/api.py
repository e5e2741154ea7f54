"""Reddit's OAuth API (oauth.reddit.com) and its token endpoint, over httpx through the guarded
transport.

Each step gets one access token: the password grant when the credential names a user, else the
application-only client-credentials grant, the app's id and secret as HTTP Basic. Neither token
is stored. Listings are `{"kind": "Listing", "data": {"after", "children": [{"kind", "data"}]}}`;
errors are `{"message", "error"}`, and a refused submission answers 200 with `json.errors`.
"""

from __future__ import annotations

import base64
from typing import Any

from integrations import http
from integrations.reddit.credentials import DEFAULT_BASE_URL, DEFAULT_TOKEN_URL, RedditApp
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    said = body.get("message") or body.get("error_description") or body.get("error")
    return str(said) if said else None


API = http.Api("Reddit", error_text=_error_text)


def access_token(secret: Secret, fields: RedditApp) -> str:
    pair = f"{fields.client_id}:{fields.client_secret.get_secret_value()}".encode()
    headers = {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
    form: dict[str, str] = {"grant_type": "client_credentials"}
    if fields.username and fields.password is not None:
        form = {
            "grant_type": "password",
            "username": fields.username,
            "password": fields.password.get_secret_value(),
        }
    url = fields.token_url or DEFAULT_TOKEN_URL
    reply = http.send(
        API, secret, "POST", url, what="the access token request", headers=headers, data=form
    )
    token = reply.body.get("access_token") if isinstance(reply.body, dict) else None
    if not token:
        # Reddit answers a wrong password 200 {"error": "invalid_grant"}.
        said = _error_text(reply.body) or "no token"
        raise http.auth_error(API, secret, said, reply.status)
    return str(token)


class Session:
    """The credential's Reddit app (or user) for one step: one access token for all its calls."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        self.fields = read_fields(RedditApp, secret)
        self._token: str | None = None

    @property
    def has_user(self) -> bool:
        return bool(self.fields.username)

    def call(self, method: str, path: str, *, what: str, **body: Any) -> Any:
        if self._token is None:
            self._token = access_token(self.secret, self.fields)
        headers = {"Authorization": f"Bearer {self._token}"}
        url = f"{self.fields.base_url or DEFAULT_BASE_URL}{path}"
        reply = http.send(API, self.secret, method, url, what=what, headers=headers, **body)
        return reply.body

    def listing(self, path: str, params: dict[str, Any], *, what: str, most: int) -> list[Any]:
        """The `data` of up to `most` children of a listing, page after page (100 a page)."""
        found: list[Any] = []
        after = None
        while len(found) < most:
            page = {**params, "limit": min(100, most - len(found)), "raw_json": 1}
            if after:
                page["after"] = after
            body = self.call("GET", path, what=what, params=page)
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, dict):
                raise NodeError(f"Reddit answered {what} without a listing.")
            found.extend(c.get("data") for c in data.get("children") or [])
            after = data.get("after")
            if not after or not data.get("children"):
                break
        return found[:most]


def check(secret: Secret) -> str:
    """An access token, then GET /api/v1/me (a user) or /r/all/about (the app alone)."""
    session = Session(secret)
    if session.has_user:
        me = session.call("GET", "/api/v1/me", what="api/v1/me") or {}
        return f"Connected to Reddit as u/{me.get('name', session.fields.username)}."
    session.call("GET", "/r/all/about", what="r/all/about", params={"raw_json": 1})
    return "Connected to Reddit as the app (it can search and read; add a user to post)."
