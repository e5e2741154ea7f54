"""The Google Docs API (v1) over the guarded transport, as the service account of a Google key.

The token comes from the Sheets package's google-auth adapter (`sheets_api.access_token`, with
the Docs scope). Docs answers errors as Sheets does (`{"error": {"code", "message",
"status"}}`) and its quotas with 429 RESOURCE_EXHAUSTED. A new document is made through Drive
(files.create with the Google Docs type), as n8n does, so it lands in the chosen folder.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from integrations import http
from integrations.google_sheets import sheets_api
from integrations.google_sheets.credentials import ServiceAccountKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

SCOPE = "https://www.googleapis.com/auth/documents"
BASE_URL = "https://docs.googleapis.com"

API = http.Api("Google Docs", error_text=sheets_api.error_text)


def call(
    secret: Secret, method: str, document_id: str, tail: str, what: str, **body: Any
) -> dict[str, Any]:
    """A Docs API call on one document (`tail` after its id: "" or ":batchUpdate")."""
    token = sheets_api.access_token(secret, SCOPE)
    base = read_fields(ServiceAccountKey, secret).base_url or BASE_URL
    url = f"{base}/v1/documents/{quote(document_id, safe='')}{tail}"
    headers = {"Authorization": f"Bearer {token}"}
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if not isinstance(reply.body, dict):
        raise NodeError(f"Google Docs answered {what} with something that is not JSON.")
    return reply.body
