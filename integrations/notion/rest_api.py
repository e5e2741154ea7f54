"""Notion's API, over httpx through the guarded transport.

notion-client is not used directly: it can take an httpx client, but its errors are its own
exceptions without the answer's headers (Retry-After); `integrations/http.py` maps Notion's
answers to retryable and credential errors like every other service's.

Requests carry `Authorization: Bearer <token>` and `Notion-Version` (the API version whose
shapes we speak: 2022-06-28, where databases are queried directly). Errors are `{"object":
"error", "status": 400, "code": "validation_error", "message": ...}`; `unauthorized` (401)
and `restricted_resource` (403) name the credential; `rate_limited` (429) comes with
`Retry-After`; `conflict_error` (409), `internal_server_error`, `service_unavailable` and
`gateway_timeout` are worth another attempt.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.notion.credentials import DEFAULT_BASE_URL, IntegrationToken
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

NOTION_VERSION = "2022-06-28"
AUTH_CODES = {"unauthorized", "restricted_resource"}


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict) or body.get("object") != "error":
        return None
    said = [str(body[k]) for k in ("code", "message") if body.get(k)]
    return ": ".join(said) or None


API = http.Api("Notion", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> dict[str, Any]:
    """An API call (`path` below `/v1`) and its JSON answer."""
    fields = read_fields(IntegrationToken, secret)
    headers = {
        "Authorization": f"Bearer {fields.token.get_secret_value()}",
        "Notion-Version": NOTION_VERSION,
    }
    url = f"{fields.base_url or DEFAULT_BASE_URL}/v1{path}"
    try:
        reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    except NodeError as error:
        raise _by_code(error, secret) from None
    if not isinstance(reply.body, dict):
        raise NodeError(f"Notion answered {what} with something that is not JSON.")
    return reply.body


def _by_code(error: NodeError, secret: Secret) -> NodeError:
    """Notion's own codes where its status says less: a 409 conflict is worth retrying, and
    `unauthorized` names the credential whatever the status."""
    text = str(error.detail.get("error") or "")
    code = text.split(":", 1)[0]
    if code in AUTH_CODES and not error.retryable:
        return http.auth_error(API, secret, text, error.detail.get("status"))
    if code == "conflict_error":
        return NodeError(
            f"Notion reported a conflict ({text}); trying again.",
            retryable=True,
            detail=error.detail,
        )
    return error


def check_token(secret: Secret) -> str:
    """GET /v1/users/me: the integration's bot user and workspace, changing nothing."""
    me = call(secret, "GET", "/users/me", what="users/me")
    bot = me.get("bot") if isinstance(me.get("bot"), dict) else {}
    workspace = bot.get("workspace_name") if isinstance(bot, dict) else None
    where = f" in the workspace “{workspace}”" if workspace else ""
    return f"Connected to Notion as the integration “{me.get('name') or me.get('id')}”{where}."
