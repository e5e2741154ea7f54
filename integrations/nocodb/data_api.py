"""NocoDB's data API v2 (`/api/v2/tables/<table id>/records`, NocoDB 0.204 and later), over httpx
through the guarded transport.

Requests carry the token in `xc-token`. Rows are keyed by `Id`; lists page with `limit` (at most
1000) and `offset` and say `pageInfo.isLastPage`. Errors are `{"msg"}` or `{"error",
"message"}`; 401 and 403 name the credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.nocodb.credentials import PUBLIC_URL, ApiToken
from integrations.service import read_fields
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    said = body.get("msg") or body.get("message")
    return str(said) if said else None


API = http.Api("NocoDB", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call below `/api/v2` and its JSON answer (None for an empty one)."""
    fields = read_fields(ApiToken, secret)
    headers = {"xc-token": fields.api_token.get_secret_value()}
    url = f"{fields.base_url or PUBLIC_URL}/api/v2{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    return reply.body if isinstance(reply.body, dict | list) else None


def check_token(secret: Secret) -> str:
    """GET /meta/bases/: the bases the token reaches, changing nothing."""
    bases = (call(secret, "GET", "/meta/bases/", what="bases") or {}).get("list") or []
    return f"Connected to NocoDB: {len(bases)} base(s)."
