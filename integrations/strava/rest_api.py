"""Strava's token endpoint and API v3 (`https://www.strava.com/api/v3`), over httpx through the
guarded transport.

Each step (and each poll) trades the refresh token for an access token (the refresh-token
grant, the application's id and secret in the form) and uses it for all its calls; neither the
access token nor a new refresh token Strava may send back is stored. Errors are
`{"message", "errors": [{"resource", "field", "code"}]}`; the token endpoint answers a wrong
refresh token or secret with 400 or 401, which name the credential. Strava sends no
`Retry-After`: its rate limits (X-RateLimit-Limit, per 15 minutes and per day) reset at each
quarter hour, so a 429 waits until the next one. Lists come by `page` and `per_page`.
"""

from __future__ import annotations

import time
from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.strava.credentials import DEFAULT_BASE_URL, DEFAULT_TOKEN_URL, StravaOAuth2
from workfuse.lib.node_run import NodeError, Secret

QUARTER_HOUR = 900
PAGE = 200  # Strava's largest page


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict) or not body.get("message"):
        return None
    said = [
        " ".join(str(e.get(k)) for k in ("resource", "field", "code") if e.get(k))
        for e in body.get("errors") or []
        if isinstance(e, dict)
    ]
    return "; ".join([str(body["message"]), *[s for s in said if s]])


def _next_quarter_hour(reply: http.Reply) -> float:
    return float(QUARTER_HOUR - int(time.time()) % QUARTER_HOUR)


API = http.Api("Strava", error_text=_error_text, fallback_wait=_next_quarter_hour)
TOKEN_API = http.Api(
    "Strava",
    error_text=_error_text,
    auth_statuses=frozenset({400, 401}),
    fallback_wait=_next_quarter_hour,
)


def access_token(secret: Secret) -> str:
    fields = read_fields(StravaOAuth2, secret)
    form = {
        "client_id": fields.client_id,
        "client_secret": fields.client_secret.get_secret_value(),
        "grant_type": "refresh_token",
        "refresh_token": fields.refresh_token.get_secret_value(),
    }
    url = fields.token_url or DEFAULT_TOKEN_URL
    reply = http.send(TOKEN_API, secret, "POST", url, what="the access token request", data=form)
    token = reply.body.get("access_token") if isinstance(reply.body, dict) else None
    if not token:
        raise NodeError("Strava answered the access token request without a token.")
    return str(token)


class Athlete:
    """The credential's athlete for one step: one access token for all its calls."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        self.base = read_fields(StravaOAuth2, secret).base_url or DEFAULT_BASE_URL
        self._token: str | None = None

    def call(self, method: str, path: str, what: str, **body: Any) -> Any:
        """A call to `path` below `/api/v3` and its JSON answer."""
        if self._token is None:
            self._token = access_token(self.secret)
        headers = {"Authorization": f"Bearer {self._token}"}
        url = f"{self.base}{path}"
        reply = http.send(API, self.secret, method, url, what=what, headers=headers, **body)
        if not isinstance(reply.body, dict | list):
            raise NodeError(
                f"Strava answered {what} with something that is not JSON; check the "
                "credential's base URL (leave it empty for Strava itself)."
            )
        return reply.body

    def pages(self, path: str, what: str, most: int) -> list[Any]:
        """Up to `most` entries of a list read page by page (`page` from 1, pages of up to 200)
        until a short or empty page."""
        found: list[Any] = []
        size = min(PAGE, most)
        page = 1
        while len(found) < most:
            batch = self.call("GET", path, what, params={"page": page, "per_page": size})
            if not isinstance(batch, list) or not batch:
                break
            found.extend(batch)
            if len(batch) < size:
                break
            page += 1
        return found[:most]


def check(secret: Secret) -> str:
    """GET /athlete: proves the token works and names its athlete."""
    me = Athlete(secret).call("GET", "/athlete", "GET /athlete")
    who = " ".join(str(me.get(k)) for k in ("firstname", "lastname") if me.get(k))
    return f"Strava accepted the credential for {who or me.get('id') or 'its athlete'}."
