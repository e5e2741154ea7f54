"""The Admin SDK Directory API (`https://admin.googleapis.com/admin/directory/v1`) as the
administrator of the credential's refresh token, over httpx through the guarded transport, with
an access token traded the way Gmail's is (one per step, never stored).

Errors are Google's `{"error": {"code", "message", "errors": [{"reason"}]}}`: 401 a token Google
no longer accepts, 403 an account that is not an administrator (or a scope not granted), 404 a
user or group that is not there, 409 an address already taken; 429 and 403 rateLimitExceeded
are retried.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.gmail import gmail_api
from integrations.gsuite_admin.credentials import DEFAULT_BASE_URL, GSuiteAdminOAuth2
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

PAGE_MAX = {"users": 500, "groups": 200}  # the API's bounds on maxResults

API = http.Api(
    "Google Workspace Admin",
    error_text=gmail_api._error_text,
    is_rate_limit=gmail_api._is_rate_limit,
    auth_statuses=frozenset({401}),
)


class Directory:
    """The credential's Workspace directory for one step: one access token for all its calls."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        self.base = read_fields(GSuiteAdminOAuth2, secret).base_url or DEFAULT_BASE_URL
        self._token: str | None = None

    def call(self, method: str, path: str, what: str, **body: Any) -> dict[str, Any]:
        """A Directory API call (`path` after `/admin/directory/v1`); its JSON answer ({} for
        the empty answer of a delete)."""
        if self._token is None:
            self._token = gmail_api.access_token(self.secret)
        headers = {"Authorization": f"Bearer {self._token}"}
        url = f"{self.base}/admin/directory/v1{path}"
        reply = http.send(API, self.secret, method, url, what=what, headers=headers, **body)
        if reply.body in ("", None):
            return {}
        if not isinstance(reply.body, dict):
            raise NodeError(
                f"Google Workspace Admin answered {what} with something that is not JSON; "
                "check the credential's base URL (leave it empty for Google)."
            )
        return reply.body

    def listed(self, kind: str, params: dict[str, Any], most: int) -> list[Any]:
        """Up to `most` users or groups (`kind`), page after page (`pageToken`)."""
        found: list[Any] = []
        params = dict(params)
        while len(found) < most:
            params["maxResults"] = min(most - len(found), PAGE_MAX[kind])
            page = self.call("GET", f"/{kind}", f"{kind}.list", params=params)
            found += page.get(kind) or []
            if not page.get("nextPageToken"):
                break
            params["pageToken"] = page["nextPageToken"]
        return found[:most]


def check(secret: Secret) -> str:
    """users.list of one user of the administrator's own customer: proves the token is an
    administrator's."""
    params = {"customer": "my_customer", "maxResults": 1}
    Directory(secret).call("GET", "/users", "users.list", params=params)
    return "Google Workspace accepted the credential as an administrator's."
