"""The People API (v1, `https://people.googleapis.com/v1`) for the address book of the
credential's refresh token, over httpx through the guarded transport, with an access token
traded the way Gmail's is (one per step, never stored).

Errors are Google's `{"error": {"code", "message", "status"}}`. 401 is a token Google no longer
accepts; 404 a contact that is not (or no longer) in the address book; 400 FAILED_PRECONDITION
an update whose etag is stale; 429 RESOURCE_EXHAUSTED a quota, retried.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.gmail import gmail_api
from integrations.google_contacts.credentials import DEFAULT_BASE_URL, GoogleContactsOAuth2
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

PAGE_MAX = 1000  # the People API's bound on connections.list's pageSize
SEARCH_MAX = 30  # and on searchContacts'

API = http.Api("Google Contacts", error_text=gmail_api._error_text, auth_statuses=frozenset({401}))


class AddressBook:
    """The credential's contacts for one step: one access token for all its calls."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        self.base = read_fields(GoogleContactsOAuth2, secret).base_url or DEFAULT_BASE_URL
        self._token: str | None = None

    def call(self, method: str, path: str, what: str, **body: Any) -> dict[str, Any]:
        """A People API call (`path` after `/v1`); its JSON answer ({} for an empty one)."""
        if self._token is None:
            self._token = gmail_api.access_token(self.secret)
        headers = {"Authorization": f"Bearer {self._token}"}
        url = f"{self.base}/v1{path}"
        reply = http.send(API, self.secret, method, url, what=what, headers=headers, **body)
        if reply.body in ("", None):
            return {}
        if not isinstance(reply.body, dict):
            raise NodeError(
                f"Google Contacts answered {what} with something that is not JSON; check the "
                "credential's base URL (leave it empty for Google)."
            )
        return reply.body

    def people(self, search: str | None, fields: str, most: int) -> list[dict[str, Any]]:
        """Up to `most` contacts: the connections page after page, or a search's results."""
        if search is not None:
            asked = {"query": search, "readMask": fields, "pageSize": min(most, SEARCH_MAX)}
            answer = self.call(
                "GET", "/people:searchContacts", "people.searchContacts", params=asked
            )
            results = answer.get("results") or []
            return [r["person"] for r in results if isinstance(r, dict) and "person" in r][:most]
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"personFields": fields}
        while len(found) < most:
            params["pageSize"] = min(most - len(found), PAGE_MAX)
            page = self.call(
                "GET", "/people/me/connections", "people.connections.list", params=params
            )
            found += page.get("connections") or []
            if not page.get("nextPageToken"):
                break
            params["pageToken"] = page["nextPageToken"]
        return found[:most]


def check(secret: Secret) -> str:
    """people/me with names: proves the token works and names the address book's owner."""
    me = AddressBook(secret).call(
        "GET", "/people/me", "people.get", params={"personFields": "names"}
    )
    names = me.get("names") or [{}]
    who = names[0].get("displayName") if isinstance(names[0], dict) else None
    return f"Google Contacts accepted the credential of {who or 'the account'}."
