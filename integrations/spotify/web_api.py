"""Spotify's token endpoint and Web API (`/v1`), over httpx through the guarded transport.

Each step trades the refresh token for an access token (the refresh-token grant, the app's id
and secret as HTTP Basic) and uses it for all its calls; neither the access token nor a new
refresh token Spotify may send back is stored. The Web API answers errors as
`{"error": {"status", "message"}}`, the token endpoint as `{"error", "error_description"}`;
rate limits are 429 with `Retry-After`. Lists are paging objects `{items, next, offset, limit,
total}` (a search wraps one per type: `{"tracks": {...}}`), read here by `offset`.
"""

from __future__ import annotations

import base64
from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.spotify.credentials import DEFAULT_BASE_URL, DEFAULT_TOKEN_URL, SpotifyOAuth2
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, dict):  # the Web API
        return str(error.get("message") or error.get("status") or "") or None
    if isinstance(error, str):  # the token endpoint (OAuth 2.0)
        return f"{error}: {body.get('error_description', '')}".strip(": ")
    return None


API = http.Api("Spotify", error_text=_error_text)
TOKEN_API = http.Api("Spotify", error_text=_error_text, auth_statuses=frozenset({400, 401}))


def access_token(secret: Secret) -> str:
    fields = read_fields(SpotifyOAuth2, secret)
    pair = f"{fields.client_id}:{fields.client_secret.get_secret_value()}"
    headers = {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}
    form = {"grant_type": "refresh_token", "refresh_token": fields.refresh_token.get_secret_value()}
    url = fields.token_url or DEFAULT_TOKEN_URL
    reply = http.send(
        TOKEN_API, secret, "POST", url, what="the access token request", headers=headers, data=form
    )
    token = reply.body.get("access_token") if isinstance(reply.body, dict) else None
    if not token:
        raise NodeError("Spotify answered the access token request without a token.")
    return str(token)


class Account:
    """The credential's Spotify user for one step: one access token for all its calls."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        self.base = f"{read_fields(SpotifyOAuth2, secret).base_url or DEFAULT_BASE_URL}/v1"
        self._token: str | None = None

    def call(self, method: str, path: str, what: str, **body: Any) -> Any:
        """A Web API call (`path` after `/v1`); its JSON answer, None when it has none (the
        player's 204s)."""
        if self._token is None:
            self._token = access_token(self.secret)
        headers = {"Authorization": f"Bearer {self._token}"}
        url = f"{self.base}{path}"
        reply = http.send(API, self.secret, method, url, what=what, headers=headers, **body)
        if reply.status == 204 or reply.body in ("", None):
            return None
        if not isinstance(reply.body, dict):
            raise NodeError(
                f"Spotify answered {what} with something that is not JSON; check the "
                "credential's base URL (leave it empty for Spotify itself)."
            )
        return reply.body

    def items(
        self,
        path: str,
        what: str,
        params: dict[str, Any],
        most: int,
        *,
        page: int = 50,
        wrapper: str | None = None,
    ) -> list[Any]:
        """Up to `most` items of a paged list of `page` items a page (`wrapper`: the key a
        search wraps its page in)."""
        found: list[Any] = []
        while len(found) < most:
            limit = min(page, most - len(found))
            answer = self.call(
                "GET", path, what, params={**params, "limit": limit, "offset": len(found)}
            )
            paging = (answer or {}).get(wrapper) if wrapper else answer
            if not isinstance(paging, dict):
                break
            batch = paging.get("items")
            if not isinstance(batch, list) or not batch:
                break
            found.extend(batch)
            if not paging.get("next"):
                break
        return found[:most]


def check(secret: Secret) -> str:
    """GET /v1/me: proves the token works and names its user."""
    me = Account(secret).call("GET", "/me", "GET /me") or {}
    who = me.get("display_name") or me.get("id") or "someone"
    return f"Spotify accepted the credential for {who}."
