"""SecurityScorecard's REST API, over httpx through the guarded transport.

Requests carry the key as `Authorization: Token <key>`. Errors are `{"error": {"message"}}`;
the message is quoted, 401 and 403 name the credential. Lists come as `{"entries": [...]}`.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.securityscorecard.credentials import PUBLIC_URL, ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    said = error.get("message") if isinstance(error, dict) else error or body.get("message")
    return str(said) if said else None


API = http.Api("SecurityScorecard", error_text=_error_text)


def base(secret: Secret) -> str:
    return (read_fields(ApiKey, secret).base_url or PUBLIC_URL).rstrip("/")


def _headers(secret: Secret) -> dict[str, str]:
    return {"Authorization": f"Token {read_fields(ApiKey, secret).api_key.get_secret_value()}"}


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call to `path` (no leading slash) and its JSON answer ({} for an empty one)."""
    url = f"{base(secret)}/{path}"
    reply = http.send(API, secret, method, url, what=what, headers=_headers(secret), **body)
    return reply.body if isinstance(reply.body, dict | list) else {}


def download(secret: Secret, url: str, *, what: str) -> http.Reply:
    """A generated report's file, by its URL (on the API's own host: the key goes with it)."""
    return http.send(API, secret, "GET", url, what=what, headers=_headers(secret), raw=True)


def check_key(secret: Secret) -> str:
    """GET /portfolios: the key reads the account's portfolios, changing nothing."""
    answer = call(secret, "GET", "portfolios", what="portfolios")
    count = len(answer.get("entries") or []) if isinstance(answer, dict) else 0
    return f"Connected to SecurityScorecard ({count} portfolios)."
