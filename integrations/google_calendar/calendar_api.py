"""The Calendar API (v3) over the guarded transport, as the service account of a Google key.

The token comes from the Sheets package's google-auth adapter (`sheets_api.access_token`, with
Calendar's scope). Calendar answers errors as Drive does (`{"error": {"code", "message",
"errors": [{"reason"}]}}`), and its per-user quotas with 403 `rateLimitExceeded` as well as 429.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from integrations import http
from integrations.google_drive import drive_api
from integrations.google_sheets import sheets_api
from integrations.google_sheets.credentials import DRIVE_BASE_URL, ServiceAccountKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

SCOPE = "https://www.googleapis.com/auth/calendar"
BASE_URL = DRIVE_BASE_URL  # www.googleapis.com serves Calendar v3 too

API = http.Api(
    "Google Calendar",
    error_text=drive_api._error_text,
    is_rate_limit=drive_api._is_rate_limit,
)


def calendar_path(calendar_id: str, tail: str = "") -> str:
    return f"/calendar/v3/calendars/{quote(calendar_id, safe='')}{tail}"


def event_path(calendar_id: str, event_id: str) -> str:
    return calendar_path(calendar_id, f"/events/{quote(event_id, safe='')}")


def call(secret: Secret, method: str, path: str, what: str, **body: Any) -> dict[str, Any]:
    """A Calendar API call; its JSON answer ({} for an empty 204)."""
    token = sheets_api.access_token(secret, SCOPE)
    headers = {"Authorization": f"Bearer {token}"}
    url = (read_fields(ServiceAccountKey, secret).base_url or BASE_URL) + path
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if reply.status == 204 or reply.body == "":
        return {}
    if not isinstance(reply.body, dict):
        raise NodeError(f"Google Calendar answered {what} with something that is not JSON.")
    return reply.body
