"""The Books API (v1, `https://www.googleapis.com/books/v1`) for the library of the credential's
refresh token, over httpx through the guarded transport, with an access token traded the way
Gmail's is (one per step, never stored).

Errors are Google's `{"error": {"code", "message", "errors": [{"reason"}]}}`: 401 a token Google
no longer accepts, 404 a volume or shelf that is not there, 403 a shelf the library may not
change (Google's own shelves: Purchased, Reviewed, Recently viewed…); 429 and 403
rateLimitExceeded are retried.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.gmail import gmail_api
from integrations.google_books.credentials import DEFAULT_BASE_URL, GoogleBooksOAuth2
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

PAGE_MAX = 40  # the Books API's bound on maxResults

API = http.Api(
    "Google Books",
    error_text=gmail_api._error_text,
    is_rate_limit=gmail_api._is_rate_limit,
    auth_statuses=frozenset({401}),
)


class Library:
    """The credential's library for one step: one access token for all its calls."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        self.base = read_fields(GoogleBooksOAuth2, secret).base_url or DEFAULT_BASE_URL
        self._token: str | None = None

    def call(self, method: str, path: str, what: str, **body: Any) -> dict[str, Any]:
        """A Books API call (`path` after `/books/v1`); its JSON answer ({} for an empty one)."""
        if self._token is None:
            self._token = gmail_api.access_token(self.secret)
        headers = {"Authorization": f"Bearer {self._token}"}
        url = f"{self.base}/books/v1{path}"
        reply = http.send(API, self.secret, method, url, what=what, headers=headers, **body)
        if reply.body in ("", None):
            return {}
        if not isinstance(reply.body, dict):
            raise NodeError(
                f"Google Books answered {what} with something that is not JSON; check the "
                "credential's base URL (leave it empty for Google)."
            )
        return reply.body

    def items(self, path: str, what: str, params: dict[str, Any], most: int) -> list[Any]:
        """Up to `most` items of a list call, page after page (`startIndex`)."""
        found: list[Any] = []
        params = dict(params)
        while len(found) < most:
            params["maxResults"] = min(most - len(found), PAGE_MAX)
            params["startIndex"] = len(found)
            page = self.call("GET", path, what, params=params)
            items = page.get("items") or []
            found += items
            total = page.get("totalItems")
            if len(items) < params["maxResults"] or (
                isinstance(total, int) and len(found) >= total
            ):
                break
        return found[:most]


def check(secret: Secret) -> str:
    """mylibrary.bookshelves.list: proves the token works and counts the shelves."""
    shelves = Library(secret).call("GET", "/mylibrary/bookshelves", "mylibrary.bookshelves.list")
    count = len(shelves.get("items") or [])
    return f"Google Books accepted the credential: the library has {count} bookshelves."
