"""Google's token endpoint and the Sheets API (v4), over httpx through the guarded transport.

google-auth builds and signs the service account's JWT and trades it for an access token; its
HTTP goes through `GuardedRequest`, an adapter of google-auth's transport interface over
`integrations/http.py`, so the token request passes the private-network guard and gets the
same error mapping as every call. A 429 or 5xx from the token endpoint becomes a retryable
NodeError inside the adapter, before google-auth's own retry loop could sleep in a worker.

The Sheets API answers errors as `{"error": {"code", "message", "status"}}`; a quota answer is
429 with status RESOURCE_EXHAUSTED. An access token is fetched for each step (the key is
re-read from the vault per step anyway); it lives an hour and is never stored.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from google.auth import exceptions as google_errors
from google.auth import transport
from google.oauth2 import service_account

from integrations import http
from integrations.google_sheets.credentials import (
    DEFAULT_BASE_URL,
    DEFAULT_TOKEN_URL,
    ServiceAccountKey,
)
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

SCOPE = "https://www.googleapis.com/auth/spreadsheets"


def error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, dict):  # the Sheets API
        return f"{error.get('status') or error.get('code')}: {error.get('message', '')}".strip()
    if isinstance(error, str):  # the token endpoint (OAuth 2.0)
        return f"{error}: {body.get('error_description', '')}".strip(": ")
    return None


API = http.Api("Google Sheets", error_text=error_text)
# The token endpoint refuses a wrong or disabled key with 400 invalid_grant (or 401).
TOKEN_API = http.Api("Google", error_text=error_text, auth_statuses=frozenset({400, 401, 403}))


class _Response(transport.Response):
    def __init__(self, reply: http.Reply) -> None:
        self._reply = reply

    @property
    def status(self) -> int:
        return self._reply.status

    @property
    def headers(self) -> dict[str, str]:
        return dict(self._reply.headers)

    @property
    def data(self) -> bytes:
        body = self._reply.body
        return (body if isinstance(body, str) else json.dumps(body)).encode()


class GuardedRequest(transport.Request):
    """google-auth's HTTP interface over `http.send`: only 2xx answers come back; every other
    answer is already a NodeError naming `secret`."""

    def __init__(self, secret: Secret) -> None:
        self.secret = secret

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: Any = None,
        headers: Any = None,
        timeout: Any = None,
        **kwargs: Any,
    ) -> _Response:
        reply = http.send(
            TOKEN_API,
            self.secret,
            method,
            url,
            what="the access token request",
            headers=dict(headers or {}),
            content=body,
        )
        return _Response(reply)


def access_token(secret: Secret, scope: str = SCOPE) -> str:
    """A token for `scope` (Sheets by default; the Drive node asks for Drive's)."""
    fields = read_fields(ServiceAccountKey, secret)
    info = {**fields.info(), "token_uri": fields.token_url or DEFAULT_TOKEN_URL}
    try:
        credentials = service_account.Credentials.from_service_account_info(info, scopes=[scope])
        credentials.refresh(GuardedRequest(secret))
    except (ValueError, google_errors.MalformedError):
        raise NodeError(
            f"The private key of the credential “{secret.name}” cannot be read: paste the "
            "key file again on the Credentials page."
        ) from None
    except google_errors.GoogleAuthError as error:
        said = str(error.args[0] if error.args else error)
        raise http.auth_error(TOKEN_API, secret, said) from None
    return str(credentials.token)


def call(
    secret: Secret, method: str, spreadsheet_id: str, path: str, what: str, **body: Any
) -> dict[str, Any]:
    """A Sheets API call on one spreadsheet's values (`path` after `/values/`); its JSON answer."""
    return spreadsheet_call(secret, method, spreadsheet_id, f"/values/{path}", what, **body)


def spreadsheet_call(
    secret: Secret, method: str, spreadsheet_id: str, tail: str, what: str, **body: Any
) -> dict[str, Any]:
    """A Sheets API call on one spreadsheet (`tail` after its id: "", ":batchUpdate",
    "/values:batchUpdate"); its JSON answer."""
    fields = read_fields(ServiceAccountKey, secret)
    token = access_token(secret)
    base = fields.base_url or DEFAULT_BASE_URL
    url = f"{base}/v4/spreadsheets/{quote(spreadsheet_id, safe='')}{tail}"
    headers = {"Authorization": f"Bearer {token}"}
    try:
        reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    except NodeError as error:
        said = str(error.detail.get("error") or "")
        if not error.retryable and said.startswith("RESOURCE_EXHAUSTED"):
            raise http.rate_limited(API, what, error.retry_after, said) from None
        raise
    if not isinstance(reply.body, dict):
        raise NodeError(f"Google Sheets answered {what} with something that is not JSON.")
    return reply.body


def sheets(secret: Secret, spreadsheet_id: str) -> list[tuple[int, str]]:
    """The spreadsheet's sheets, as (sheet id, i.e. the gid in its URL; title), in order."""
    answer = spreadsheet_call(
        secret,
        "GET",
        spreadsheet_id,
        "",
        "spreadsheets.get",
        params={"fields": "sheets.properties(sheetId,title)"},
    )
    found = []
    for sheet in answer.get("sheets") or []:
        props = sheet.get("properties") if isinstance(sheet, dict) else None
        if isinstance(props, dict) and isinstance(props.get("sheetId"), int):
            found.append((int(props["sheetId"]), str(props.get("title") or "")))
    return found


def a1(range_: str) -> str:
    """A range for the URL path: `Sheet 1!A1:C` with its spaces and quotes encoded."""
    return quote(range_, safe="!:$")


def check_key(secret: Secret) -> str:
    """A token request: proves Google accepts the key (a credential names no spreadsheet to
    read, so nothing more can be asked)."""
    access_token(secret)
    email = read_fields(ServiceAccountKey, secret).info().get("client_email")
    return (
        f"Google accepted the key of {email} and issued an access token. Share each "
        "spreadsheet (and each Drive file or folder) with this address."
    )
