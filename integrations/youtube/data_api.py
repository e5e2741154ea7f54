"""The YouTube Data API v3 (`https://www.googleapis.com/youtube/v3`), over httpx through the
guarded transport, with an access token traded from the credential's refresh token the way
Gmail's is (one per step, never stored).

Errors are Google's `{"error": {"code", "message", "errors": [{"reason"}]}}`. 401 is a token
Google no longer accepts; 403 is mostly a resource the channel may not read (a private
playlist) or the daily quota (reason quotaExceeded, which only midnight Pacific time resets);
403 rateLimitExceeded and 429 are short-term limits, retried.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.gmail import gmail_api
from integrations.service import read_fields
from integrations.youtube.credentials import DEFAULT_BASE_URL, YouTubeOAuth2
from workfuse.lib.node_run import NodeError, Secret

RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
PAGE_MAX = 50  # YouTube's bound on maxResults


def _error(body: Any) -> dict[str, Any]:
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _error_text(body: Any) -> str | None:
    error = _error(body)
    if not error:
        return None
    reasons = [e.get("reason") for e in error.get("errors") or [] if isinstance(e, dict)]
    reason = next((r for r in reasons if r), None) or error.get("status") or error.get("code")
    return f"{reason}: {error.get('message', '')}".strip(": ")


def _is_rate_limit(reply: http.Reply) -> bool:
    errors = _error(reply.body).get("errors") or []
    reasons = {e.get("reason") for e in errors if isinstance(e, dict)}
    return reply.status == 429 or (reply.status == 403 and bool(reasons & RATE_REASONS))


API = http.Api(
    "YouTube",
    error_text=_error_text,
    is_rate_limit=_is_rate_limit,
    auth_statuses=frozenset({401}),
)


class Channel:
    """The credential's channel for one step: one access token for all its calls."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        self.base = read_fields(YouTubeOAuth2, secret).base_url or DEFAULT_BASE_URL
        self._token: str | None = None

    def call(self, resource: str, what: str, params: dict[str, Any]) -> dict[str, Any]:
        """GET /youtube/v3/<resource> and its JSON answer."""
        if self._token is None:
            self._token = gmail_api.access_token(self.secret)
        headers = {"Authorization": f"Bearer {self._token}"}
        url = f"{self.base}/youtube/v3/{resource}"
        reply = http.send(API, self.secret, "GET", url, what=what, headers=headers, params=params)
        if not isinstance(reply.body, dict):
            raise NodeError(
                f"YouTube answered {what} with something that is not JSON; check the "
                "credential's base URL (leave it empty for Google)."
            )
        return reply.body

    def items(self, resource: str, what: str, params: dict[str, Any], most: int) -> list[Any]:
        """Up to `most` items of a list call, page after page (`pageToken`)."""
        found: list[Any] = []
        params = dict(params)
        while len(found) < most:
            params["maxResults"] = min(most - len(found), PAGE_MAX)
            page = self.call(resource, what, params)
            found += page.get("items") or []
            if not page.get("nextPageToken"):
                break
            params["pageToken"] = page["nextPageToken"]
        return found[:most]


def check(secret: Secret) -> str:
    """channels.list mine=true: proves the token works and names the channel."""
    page = Channel(secret).call("channels", "channels.list", {"part": "snippet", "mine": "true"})
    items = page.get("items") or [{}]
    title = (items[0].get("snippet") or {}).get("title", "no channel")
    return f"YouTube accepted the credential for the channel {title}."
