"""The Cloud Natural Language API (v1, `documents:*`) over the guarded transport, as the service
account of a Google key.

The token comes from the Sheets package's google-auth adapter (`sheets_api.access_token`, with
the Natural Language scope). Errors are Google's `{"error": {"code", "message", "status"}}`
(an API not enabled in the key's project is 403 PERMISSION_DENIED, quoted as it says so);
quotas are 429 RESOURCE_EXHAUSTED.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.google_sheets import sheets_api
from integrations.google_sheets.credentials import ServiceAccountKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

SCOPE = "https://www.googleapis.com/auth/cloud-language"
BASE_URL = "https://language.googleapis.com"

# A 403 here is mostly the API left disabled in the project: quoted, not blamed on the key.
API = http.Api(
    "Google Cloud Natural Language",
    error_text=sheets_api.error_text,
    auth_statuses=frozenset({401}),
)


def analyze(secret: Secret, method: str, body: dict[str, Any]) -> dict[str, Any]:
    """`POST /v1/documents:<method>` (analyzeSentiment, analyzeEntities, classifyText)."""
    token = sheets_api.access_token(secret, SCOPE)
    base = read_fields(ServiceAccountKey, secret).base_url or BASE_URL
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{base}/v1/documents:{method}"
    reply = http.send(API, secret, "POST", url, what=method, headers=headers, json=body)
    if not isinstance(reply.body, dict):
        raise NodeError(
            f"Google Cloud Natural Language answered {method} with something that is not JSON."
        )
    return reply.body
