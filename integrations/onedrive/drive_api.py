"""Microsoft Graph's drive API for the signed-in user's OneDrive (`/me/drive`), over httpx
through the guarded transport, with Outlook's token machinery (integrations/outlook/graph_api.py)
asking for the Files scopes.

A download reads the item first (its name, type and `@microsoft.graph.downloadUrl`, a
pre-authenticated short-lived URL) and fetches that URL without the bearer token: Graph's own
`/content` answers with a redirect there, and a token must not follow a redirect to another
host. Uploads are Graph's simple upload (one PUT, files up to 250 MB; ours are smaller).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from integrations import http
from integrations.onedrive.credentials import SCOPES, OneDriveOAuth2
from integrations.outlook.credentials import DEFAULT_BASE_URL
from integrations.outlook.graph_api import API, access_token
from integrations.service import read_fields
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, Secret

DOWNLOAD_URL = "@microsoft.graph.downloadUrl"
PAGE = 200  # Graph's largest page of drive items


def item_path(item_id: str, tail: str = "") -> str:
    return f"items/{quote(item_id.strip(), safe='!')}{tail}"


class Drive:
    """The credential's OneDrive for one step: one access token for all its calls."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        self.base = f"{read_fields(OneDriveOAuth2, secret).base_url or DEFAULT_BASE_URL}/me/drive"
        self._token: str | None = None

    def _headers(self) -> dict[str, str]:
        if self._token is None:
            self._token = access_token(self.secret, SCOPES)
        return {"Authorization": f"Bearer {self._token}"}

    def call(self, method: str, path: str, what: str, **body: Any) -> dict[str, Any]:
        """A Graph call (`path` after `/me/drive/`); its JSON answer ({} for a 204)."""
        headers = {**self._headers(), **body.pop("headers", {})}
        url = f"{self.base}/{path}" if path else self.base
        reply = http.send(API, self.secret, method, url, what=what, headers=headers, **body)
        if reply.body in ("", None):
            return {}
        if not isinstance(reply.body, dict):
            raise NodeError(f"Microsoft Graph answered {what} with something that is not JSON.")
        return reply.body

    def items(self, path: str, what: str, limit: int) -> tuple[list[dict[str, Any]], bool]:
        """Up to `limit` items of a listing, following Graph's `@odata.nextLink` pages; and
        whether there were more."""
        found: list[dict[str, Any]] = []
        answer = self.call("GET", path, what, params={"$top": min(limit, PAGE)})
        while True:
            found += [i for i in answer.get("value") or [] if isinstance(i, dict)]
            link = answer.get("@odata.nextLink")
            if not link or len(found) >= limit:
                return found[:limit], bool(link) or len(found) > limit
            reply = http.send(
                API, self.secret, "GET", str(link), what=what, headers=self._headers()
            )
            answer = reply.body if isinstance(reply.body, dict) else {}

    def content(self, url: str) -> bytes:
        """A file's bytes from its pre-authenticated download URL (no token sent)."""
        reply = http.send(
            API,
            self.secret,
            "GET",
            url,
            what="the file download",
            raw=True,
            max_bytes=files.max_bytes(),
        )
        return reply.body if isinstance(reply.body, bytes) else str(reply.body).encode()


def check(secret: Secret) -> str:
    """GET /me/drive: proves the token works and names the drive's owner."""
    drive = Drive(secret).call("GET", "", "GET /me/drive")
    owner = ((drive.get("owner") or {}).get("user") or {}).get("displayName") or "?"
    return f"Microsoft Graph accepted the credential for the OneDrive of {owner}."
