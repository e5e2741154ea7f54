"""Baserow's REST API (`/api/database/...`), over httpx through the guarded transport.

Requests carry `Authorization: Token <database token>`. Errors are `{"error":
"ERROR_ROW_DOES_NOT_EXIST", "detail": "The row 5 does not exist."}`; 401
(`ERROR_TOKEN_DOES_NOT_EXIST`) and 403 (`ERROR_NO_PERMISSION_TO_TABLE`: the token lacks that
right) name the credential. The API speaks of fields by id (`field_5870`); `fields` reads a
table's fields so the node can name them as n8n does.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.baserow.credentials import PUBLIC_URL, DatabaseToken
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict) or not (body.get("error") or body.get("detail")):
        return None
    detail = body.get("detail")
    if isinstance(detail, dict):  # a request error: {"field_5": [{"error": ..., "code": ...}]}
        detail = "; ".join(f"{k}: {_said(v)}" for k, v in detail.items())
    return ": ".join(str(part) for part in (body.get("error"), detail) if part)


def _said(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(_said(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("error") or value)
    return str(value)


API = http.Api("Baserow", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call (`path` below the host, e.g. `/api/database/rows/table/7/`) and its JSON answer
    (None for an empty 204)."""
    fields = read_fields(DatabaseToken, secret)
    headers = {"Authorization": f"Token {fields.token.get_secret_value()}"}
    url = f"{fields.base_url or PUBLIC_URL}{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if reply.status == 204:
        return None
    if not isinstance(reply.body, dict | list):
        raise NodeError(
            f"Baserow answered {what} with something that is not JSON; check the credential's "
            "base URL (leave it empty for baserow.io)."
        )
    return reply.body


def field_names(secret: Secret, table_id: str) -> dict[str, str]:
    """The table's fields: `field_<id>` → the field's name."""
    path = f"/api/database/fields/table/{table_id}/"
    listed = call(secret, "GET", path, what="list fields")
    found = listed if isinstance(listed, list) else []
    return {
        f"field_{f['id']}": str(f["name"])
        for f in found
        if isinstance(f, dict) and "id" in f and "name" in f
    }


def check_token(secret: Secret) -> str:
    """GET /api/database/tokens/check/: whether Baserow knows the token, changing nothing."""
    call(secret, "GET", "/api/database/tokens/check/", what="tokens/check")
    return "Connected to Baserow: the database token is valid."
