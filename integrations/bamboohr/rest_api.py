"""BambooHR's REST API (`/api/gateway.php/<company>/v1`), over httpx through the guarded
transport.

Requests carry the API key as HTTP Basic's user name (password `x`) and `Accept:
application/json` (BambooHR answers XML otherwise). Errors come with an empty body (the reason
sits in an `X-BambooHR-Error-Message` header), so messages give the HTTP status; 401 and 403
name the credential.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from integrations import http
from integrations.bamboohr.credentials import PUBLIC_URL, ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

API = http.Api("BambooHR")
FILENAME = re.compile(r'filename="?([^";]+)"?')


def _url(fields: ApiKey, path: str) -> str:
    return f"{fields.base_url or PUBLIC_URL}/api/gateway.php/{fields.company_domain}/v1{path}"


def _send(secret: Secret, path: str, *, what: str, raw: bool = False, **body: Any) -> http.Reply:
    fields = read_fields(ApiKey, secret)
    pair = f"{fields.api_key.get_secret_value()}:x".encode()
    headers = {
        "Accept": "application/json",
        "Authorization": f"Basic {base64.b64encode(pair).decode()}",
    }
    return http.send(
        API,
        secret,
        "GET",
        _url(fields, path),
        what=what,
        raw=raw,
        headers=headers,
        **body,
    )


def get(secret: Secret, path: str, *, what: str, **body: Any) -> Any:
    """A GET (`path` below `/v1`) and its JSON answer."""
    reply = _send(secret, path, what=what, **body)
    if not isinstance(reply.body, dict | list):
        raise NodeError(
            f"BambooHR answered {what} with something that is not JSON; check the credential's "
            "company domain and base URL (leave it empty for BambooHR itself)."
        )
    return reply.body


def download(secret: Secret, path: str, *, what: str) -> tuple[bytes, str | None, str | None]:
    """A file's bytes, its name (from Content-Disposition) and its media type."""
    reply = _send(secret, path, what=what, raw=True)
    found = FILENAME.search(reply.headers.get("content-disposition", ""))
    media = reply.headers.get("content-type", "").split(";")[0].strip() or None
    return reply.body, found[1] if found else None, media


def check_key(secret: Secret) -> str:
    """GET /employees/directory: the company's directory, changing nothing."""
    directory = get(secret, "/employees/directory", what="employees/directory")
    people = directory.get("employees") if isinstance(directory, dict) else None
    count = len(people) if isinstance(people, list) else 0
    return f"Connected to BambooHR: {count} employee(s) in the directory."
