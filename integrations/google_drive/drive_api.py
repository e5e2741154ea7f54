"""The Drive API (v3) over the guarded transport, as the service account of a Google key.

The token comes from the Sheets package's google-auth adapter (`sheets_api.access_token`, with
Drive's scope): one credential kind for both services, so a user connecting both pastes the key
once. Uploads are Drive's `multipart` upload (one request: JSON metadata, then the content, as
`multipart/related`), which fits files up to the step-data limit (workfuse/lib/files.py).
Downloads read the content as bytes, bounded by that same limit. Every call passes
`supportsAllDrives` so files in shared drives are found as in n8n.
"""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import quote

from integrations import http
from integrations.google_sheets import sheets_api
from integrations.google_sheets.credentials import DRIVE_BASE_URL, ServiceAccountKey
from integrations.service import read_fields
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, Secret

SCOPE = "https://www.googleapis.com/auth/drive"
FOLDER = "application/vnd.google-apps.folder"
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


def _reason(body: Any) -> str:
    """Drive's first error reason (`{"error": {"errors": [{"reason": ...}]}}`), or ""."""
    error = body.get("error") if isinstance(body, dict) else None
    errors = error.get("errors") if isinstance(error, dict) else None
    first = errors[0] if isinstance(errors, list) and errors else None
    return str(first.get("reason") or "") if isinstance(first, dict) else ""


def _error_text(body: Any) -> str | None:
    reason, said = _reason(body), sheets_api.error_text(body)
    if reason and said:
        return f"{reason}: {said.partition(': ')[2]}"
    return said


def _is_rate_limit(reply: http.Reply) -> bool:
    # Drive answers its per-user quotas with 403 and a reason, not only 429.
    return reply.status == 429 or (reply.status == 403 and _reason(reply.body) in RATE_REASONS)


API = http.Api("Google Drive", error_text=_error_text, is_rate_limit=_is_rate_limit)


def _base(secret: Secret) -> str:
    return read_fields(ServiceAccountKey, secret).base_url or DRIVE_BASE_URL


def file_path(file_id: str, tail: str = "") -> str:
    return f"/drive/v3/files/{quote(file_id, safe='')}{tail}"


def _send(secret: Secret, method: str, path: str, what: str, **body: Any) -> http.Reply:
    token = sheets_api.access_token(secret, SCOPE)
    headers = {"Authorization": f"Bearer {token}", **body.pop("headers", {})}
    params = {"supportsAllDrives": "true", **body.pop("params", {})}
    url = _base(secret) + path
    return http.send(API, secret, method, url, what=what, headers=headers, params=params, **body)


def call(secret: Secret, method: str, path: str, what: str, **body: Any) -> dict[str, Any]:
    """A Drive API call; its JSON answer ({} for Drive's empty 204)."""
    reply = _send(secret, method, path, what, **body)
    if reply.status == 204 or reply.body == "":
        return {}
    if not isinstance(reply.body, dict):
        raise NodeError(f"Google Drive answered {what} with something that is not JSON.")
    return reply.body


def content(secret: Secret, path: str, what: str, **params: str) -> tuple[bytes, str]:
    """A file's bytes (`alt=media`, or an export) and the type Drive says they are."""
    reply = _send(secret, "GET", path, what, params=params, raw=True, max_bytes=files.max_bytes())
    data = reply.body if isinstance(reply.body, bytes) else str(reply.body).encode()
    return data, reply.headers.get("content-type", "")


def upload(
    secret: Secret,
    method: str,
    path: str,
    what: str,
    metadata: dict[str, Any],
    data: bytes,
    content_type: str,
    **params: str,
) -> dict[str, Any]:
    """A multipart upload (`path` under /upload): metadata and content in one request."""
    boundary = f"workfuse-{secrets.token_hex(12)}"
    body = b"".join(
        [
            f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n".encode(),
            json.dumps(metadata).encode(),
            f"\r\n--{boundary}\r\nContent-Type: {content_type}\r\n\r\n".encode(),
            data,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    return call(
        secret,
        method,
        "/upload" + path,
        what,
        params={"uploadType": "multipart", **params},
        headers={"Content-Type": f"multipart/related; boundary={boundary}"},
        content=body,
    )
