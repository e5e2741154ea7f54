"""ProfitWell's API v2 (`/v2`), over httpx through the guarded transport.

Requests carry the token as the `Authorization` header itself (no scheme). Errors are
`{"error": "..."}` or `{"detail": "..."}`; the text is quoted, 401 and 403 name the credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.profitwell.credentials import PUBLIC_URL, ApiToken
from integrations.service import read_fields
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    if isinstance(body, dict):
        said = body.get("error") or body.get("detail") or body.get("message")
        return str(said) if said else None
    return None


API = http.Api("ProfitWell", error_text=_error_text)


def call(secret: Secret, path: str, *, what: str, params: dict[str, Any] | None = None) -> Any:
    """GET `path` below `/v2` and its JSON answer ({} for an empty one)."""
    fields = read_fields(ApiToken, secret)
    headers = {"Authorization": fields.api_token.get_secret_value()}
    url = f"{fields.base_url or PUBLIC_URL}/v2{path}"
    reply = http.send(API, secret, "GET", url, what=what, headers=headers, params=params or {})
    return reply.body if isinstance(reply.body, dict | list) else {}


def check_token(secret: Secret) -> str:
    """GET /company/settings/: the company's settings, changing nothing."""
    settings = call(secret, "/company/settings/", what="company settings")
    currency = settings.get("currency") if isinstance(settings, dict) else None
    return f"Connected to ProfitWell{f' (amounts in {currency})' if currency else ''}."
