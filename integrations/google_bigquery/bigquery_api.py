"""The BigQuery API (v2) over the guarded transport, as the service account of a Google key.

The token comes from the Sheets package's google-auth adapter (`sheets_api.access_token`, with
BigQuery's scope). Errors are Google's `{"error": {"code", "message", "errors": [{"reason"}],
"status"}}`; quotas are 429, or 403 rateLimitExceeded, retried.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from integrations import http
from integrations.gmail import gmail_api
from integrations.google_sheets import sheets_api
from integrations.google_sheets.credentials import ServiceAccountKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

SCOPE = "https://www.googleapis.com/auth/bigquery"
BASE_URL = "https://bigquery.googleapis.com"

API = http.Api(
    "Google BigQuery",
    error_text=gmail_api._error_text,
    is_rate_limit=gmail_api._is_rate_limit,
    auth_statuses=frozenset({401}),
)


class Project:
    """One project's BigQuery for one step: one access token for all its calls."""

    def __init__(self, secret: Secret, project_id: str) -> None:
        self.secret = secret
        base = read_fields(ServiceAccountKey, secret).base_url or BASE_URL
        self.base = f"{base}/bigquery/v2/projects/{quote(project_id.strip(), safe='')}"
        self._token: str | None = None

    def call(self, method: str, path: str, what: str, **body: Any) -> dict[str, Any]:
        """A call below `/bigquery/v2/projects/{project}`; its JSON answer."""
        if self._token is None:
            self._token = sheets_api.access_token(self.secret, SCOPE)
        headers = {"Authorization": f"Bearer {self._token}"}
        url = f"{self.base}{path}"
        reply = http.send(API, self.secret, method, url, what=what, headers=headers, **body)
        if not isinstance(reply.body, dict):
            raise NodeError(f"Google BigQuery answered {what} with something that is not JSON.")
        return reply.body
