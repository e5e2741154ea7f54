"""ClickUp's API v2 (`/api/v2`), over httpx through the guarded transport.

Requests carry the token as `Authorization`. Errors are `{"err", "ECODE"}`; 401 names the
credential; 429 is retried at the Unix time in `X-RateLimit-Reset`.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.clickup.credentials import PUBLIC_URL, ApiToken
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if isinstance(body, dict) and body.get("err"):
        code = body.get("ECODE")
        return f"{code}: {body['err']}" if code else str(body["err"])
    return None


API = http.Api("ClickUp", error_text=_error_text, reset_header="X-RateLimit-Reset")


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call (`path` below `/api/v2`) and its JSON answer ({} for an empty one)."""
    fields = read_fields(ApiToken, secret)
    headers = {"Authorization": fields.api_token.get_secret_value()}
    url = f"{fields.base_url or PUBLIC_URL}/api/v2{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if reply.body in ("", None):
        return {}
    if not isinstance(reply.body, dict):
        raise NodeError(
            f"ClickUp answered {what} with something that is not JSON; check the credential's "
            "base URL (leave it empty for ClickUp itself)."
        )
    return reply.body


def check_token(secret: Secret) -> str:
    """GET /user: whose token it is, changing nothing."""
    user = call(secret, "GET", "/user", what="user").get("user") or {}
    who = user.get("username") or user.get("email") if isinstance(user, dict) else None
    return f"Connected to ClickUp as {who or 'someone'}."
