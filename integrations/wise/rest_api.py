"""Wise's REST API (v1 to v3 by endpoint), over httpx through the guarded transport.

Requests carry `Authorization: Bearer <token>`. Errors are `{"errors": [{"code", "message"}]}`
(n8n joins the messages with " | ", so does WorkFuse) or `{"error", "error_description"}`; 401
and 403 name the credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.wise.credentials import PUBLIC_URL, ApiToken
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    errors = [e.get("message") for e in body.get("errors") or [] if isinstance(e, dict)]
    if any(errors):
        return " | ".join(str(e) for e in errors if e)
    return body.get("error_description") or body.get("message") or body.get("error")


API = http.Api("Wise", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call (`path` from the API's root, `/v1/...`) and its JSON answer."""
    fields = read_fields(ApiToken, secret)
    headers = {"Authorization": f"Bearer {fields.api_token.get_secret_value()}"}
    url = f"{fields.base_url or PUBLIC_URL}{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if not isinstance(reply.body, dict | list):
        raise NodeError(
            f"Wise answered {what} with something that is not JSON; check the credential's base "
            "URL (leave it empty for Wise itself)."
        )
    return reply.body


def check_token(secret: Secret) -> str:
    """GET /v1/profiles: the token's profiles, changing nothing."""
    profiles = call(secret, "GET", "/v1/profiles", what="profiles")
    count = len(profiles) if isinstance(profiles, list) else 0
    return f"Connected to Wise: {count} profile(s)."
