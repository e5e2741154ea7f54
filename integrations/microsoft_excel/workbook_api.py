"""Microsoft Graph's workbook API for workbooks in the signed-in user's drive
(`/me/drive/items/{workbook}/workbook`), over httpx through the guarded transport, with
Outlook's token machinery (integrations/outlook/graph_api.py) asking for the Files scopes."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from integrations import http
from integrations.microsoft_excel.credentials import SCOPES, ExcelOAuth2
from integrations.outlook.credentials import DEFAULT_BASE_URL
from integrations.outlook.graph_api import API, access_token
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def segment(value: str) -> str:
    """An id in a Graph path: worksheet ids hold braces, workbook ids `!`."""
    return quote(value.strip(), safe="!{}-")


class Workbooks:
    """The credential's drive for one step: one access token for all its calls."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        self.base = f"{read_fields(ExcelOAuth2, secret).base_url or DEFAULT_BASE_URL}/me/drive"
        self._token: str | None = None

    def call(self, method: str, path: str, what: str, **body: Any) -> dict[str, Any]:
        """A Graph call (`path` after `/me/drive`); its JSON answer."""
        if self._token is None:
            self._token = access_token(self.secret, SCOPES)
        headers = {"Authorization": f"Bearer {self._token}"}
        reply = http.send(
            API, self.secret, method, f"{self.base}{path}", what=what, headers=headers, **body
        )
        if not isinstance(reply.body, dict):
            raise NodeError(f"Microsoft Graph answered {what} with something that is not JSON.")
        return reply.body


def check(secret: Secret) -> str:
    """GET /me/drive: proves the token works and names the drive's owner."""
    drive = Workbooks(secret).call("GET", "", "GET /me/drive")
    owner = ((drive.get("owner") or {}).get("user") or {}).get("displayName") or "?"
    return f"Microsoft Graph accepted the credential for the workbooks of {owner}."
