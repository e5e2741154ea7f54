"""Dropbox's token endpoint and API v2 (RPC calls on api.dropboxapi.com, file contents on
content.dropboxapi.com), over httpx through the guarded transport.

Each step trades the refresh token for a short-lived access token and uses it for all its
calls; it is never stored. With a full-Dropbox app, paths are read from the account's root
namespace (`Dropbox-API-Path-Root`), so team spaces resolve as in the Dropbox UI and in n8n.
Content calls carry their JSON argument in `Dropbox-API-Arg`, with every non-ASCII character
escaped as Dropbox requires; a download's metadata comes back in `Dropbox-API-Result`.

Dropbox answers a call's own failures with 409 and `{"error_summary": "path/not_found/..",
"error": {...}}`, a bad token with 401, a malformed call with 400 and plain text, and rate
limits with 429, `Retry-After` and `error.retry_after`.
"""

from __future__ import annotations

import json
from typing import Any

from integrations import http
from integrations.dropbox.credentials import DropboxOAuth2
from integrations.service import read_fields
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, Secret

API_URL = "https://api.dropboxapi.com"
CONTENT_URL = "https://content.dropboxapi.com"


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    if body.get("error_summary"):
        return str(body["error_summary"]).rstrip("/.")
    if isinstance(body.get("error"), str):  # the token endpoint (OAuth 2.0)
        return f"{body['error']}: {body.get('error_description', '')}".strip(": ")
    return None


def _retry_after(body: Any) -> float | None:
    error = body.get("error") if isinstance(body, dict) else None
    wait = error.get("retry_after") if isinstance(error, dict) else None
    return float(wait) if isinstance(wait, int | float) else None


API = http.Api(
    "Dropbox", error_text=_error_text, retry_after=_retry_after, auth_statuses=frozenset({401})
)
# The token endpoint refuses a revoked or wrong refresh token with 400 invalid_grant.
TOKEN_API = http.Api("Dropbox", error_text=_error_text, auth_statuses=frozenset({400, 401}))


def header_arg(arg: dict[str, Any]) -> str:
    """A JSON argument fit for an HTTP header: non-ASCII characters (and 0x7F) written as JSON's
    backslash-u escapes."""
    return json.dumps(arg, ensure_ascii=True).replace("\x7f", "\\u007f")


class Dropbox:
    """The credential's Dropbox for one step: one access token (and path root) for its calls."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret
        self.fields = read_fields(DropboxOAuth2, secret)
        self.api = self.fields.base_url or API_URL
        self.content = self.fields.base_url or CONTENT_URL
        self._headers: dict[str, str] | None = None

    def _access_token(self) -> str:
        form = {
            "grant_type": "refresh_token",
            "refresh_token": self.fields.refresh_token.get_secret_value(),
            "client_id": self.fields.app_key,
            "client_secret": self.fields.app_secret.get_secret_value(),
        }
        url = f"{self.api}/oauth2/token"
        reply = http.send(
            TOKEN_API, self.secret, "POST", url, what="the access token request", data=form
        )
        token = reply.body.get("access_token") if isinstance(reply.body, dict) else None
        if not token:
            raise NodeError("Dropbox answered the access token request without a token.")
        return str(token)

    def headers(self) -> dict[str, str]:
        """The headers every call sends: the access token, and the path root of a full app."""
        if self._headers is None:
            self._headers = {"Authorization": f"Bearer {self._access_token()}"}
            if self.fields.access_type == "full":
                account = self.rpc("users/get_current_account", None, "get_current_account")
                root = (account.get("root_info") or {}).get("root_namespace_id")
                if root:
                    self._headers["Dropbox-API-Path-Root"] = header_arg(
                        {".tag": "root", "root": str(root)}
                    )
        return self._headers

    def rpc(self, endpoint: str, body: dict[str, Any] | None, what: str) -> dict[str, Any]:
        """An RPC call (`endpoint` after /2/, e.g. files/list_folder); its JSON answer."""
        headers = self.headers()
        # An RPC without an argument takes no body at all (`null` is refused).
        payload: dict[str, Any] = {"json": body} if body is not None else {}
        url = f"{self.api}/2/{endpoint}"
        reply = http.send(API, self.secret, "POST", url, what=what, headers=headers, **payload)
        if not isinstance(reply.body, dict):
            raise NodeError(f"Dropbox answered {what} with something that is not JSON.")
        return reply.body

    def download(self, path: str) -> tuple[bytes, dict[str, Any]]:
        """A file's bytes (bounded by the file size limit) and its metadata."""
        headers = {**self.headers(), "Dropbox-API-Arg": header_arg({"path": path})}
        url = f"{self.content}/2/files/download"
        reply = http.send(
            API,
            self.secret,
            "POST",
            url,
            what="files/download",
            headers=headers,
            raw=True,
            max_bytes=files.max_bytes(),
        )
        data = reply.body if isinstance(reply.body, bytes) else str(reply.body).encode()
        try:
            metadata = json.loads(reply.headers.get("dropbox-api-result") or "{}")
        except ValueError:
            metadata = {}
        return data, metadata if isinstance(metadata, dict) else {}

    def upload(self, path: str, data: bytes) -> dict[str, Any]:
        """Stores `data` at `path`, replacing a file already there (n8n's mode); its metadata."""
        arg = {"path": path, "mode": "overwrite", "autorename": False, "mute": False}
        headers = {
            **self.headers(),
            "Dropbox-API-Arg": header_arg(arg),
            "Content-Type": "application/octet-stream",
        }
        url = f"{self.content}/2/files/upload"
        reply = http.send(
            API, self.secret, "POST", url, what="files/upload", headers=headers, content=data
        )
        if not isinstance(reply.body, dict):
            raise NodeError("Dropbox answered files/upload with something that is not JSON.")
        return reply.body


def check(secret: Secret) -> str:
    """users/get_current_account: proves the token works and names the account."""
    account = Dropbox(secret).rpc("users/get_current_account", None, "get_current_account")
    name = (account.get("name") or {}).get("display_name") or account.get("email") or "?"
    return f"Connected to Dropbox as {name}."
