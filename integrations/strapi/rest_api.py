"""Strapi's REST API over httpx through the guarded transport: v4 and later at
`<server>/api/<type>` (bodies and answers wrapped in `data`, lists paged by
`pagination[page]`/`pagination[pageSize]` with `meta.pagination.pageCount`), v3 at
`<server>/<type>` (bare entries, lists by `_start`/`_limit`).

Requests carry `Authorization: Bearer <token>`. Errors are v4's `{"data": null, "error":
{"status", "name", "message"}}` or v3's `{"statusCode", "error", "message"}`; 401 and 403 name
the credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.strapi.credentials import ApiToken
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, dict) and error.get("message"):
        name = error.get("name")
        return f"{name}: {error['message']}" if name else str(error["message"])
    message = body.get("message")
    if isinstance(message, list):  # v3 validation errors
        message = "; ".join(
            str(m.get("messages", m)) if isinstance(m, dict) else str(m) for m in message
        )
    if message:
        return f"{error}: {message}" if isinstance(error, str) else str(message)
    return None


API = http.Api("Strapi", error_text=_error_text)


def prefix(fields: ApiToken) -> str:
    return f"{(fields.base_url or '').rstrip('/')}{'/api' if fields.api_version == 'v4' else ''}"


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call (`path` below /api for v4, the root for v3) and its JSON answer."""
    fields = read_fields(ApiToken, secret)
    headers = {"Authorization": f"Bearer {fields.api_token.get_secret_value()}"}
    reply = http.send(
        API, secret, method, f"{prefix(fields)}{path}", what=what, headers=headers, **body
    )
    if not isinstance(reply.body, dict | list):
        raise NodeError(
            f"Strapi answered {what} with something that is not JSON; check the credential's "
            "server address and API version."
        )
    return reply.body


def check_token(secret: Secret) -> str:
    """GET /users (the users-permissions plugin's users, which a token with read access
    reads), changing nothing."""
    fields = read_fields(ApiToken, secret)
    call(secret, "GET", "/users", what="users")
    return f"Connected to Strapi at {fields.base_url} (API {fields.api_version})."
