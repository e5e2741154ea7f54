"""Todoist's API v1 (`/api/v1`; the REST v2 API n8n's node versions 2 and 2.1 call is retired),
over httpx through the guarded transport.

Requests carry `Authorization: Bearer <token>`. Errors are `{"error", "error_code",
"error_tag", "http_code"}` (some answers are plain text); 401 and 403 name the credential.
Lists come in pages: `{"results": [...], "next_cursor": "…" | null}`.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.todoist.credentials import PUBLIC_URL, ApiToken
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if isinstance(body, dict) and body.get("error"):
        tag = body.get("error_tag")
        return f"{tag}: {body['error']}" if tag else str(body["error"])
    return None


API = http.Api("Todoist", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call (`path` below `/api/v1`) and its JSON answer (None for an empty 204)."""
    fields = read_fields(ApiToken, secret)
    headers = {"Authorization": f"Bearer {fields.api_token.get_secret_value()}"}
    url = f"{fields.base_url or PUBLIC_URL}/api/v1{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if reply.status == 204:
        return None
    if not isinstance(reply.body, dict | list):
        raise NodeError(
            f"Todoist answered {what} with something that is not JSON; check the credential's "
            "base URL (leave it empty for Todoist itself)."
        )
    return reply.body


def check_token(secret: Secret) -> str:
    """GET /user: whose token it is, changing nothing."""
    user = call(secret, "GET", "/user", what="user")
    who = (user.get("full_name") or user.get("email")) if isinstance(user, dict) else None
    return f"Connected to Todoist as {who or 'someone'}."
