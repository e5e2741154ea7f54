"""CoinGecko's public API v3 (`https://api.coingecko.com/api/v3`), over httpx through the
guarded transport.

Errors are `{"error": "coin not found"}` or `{"status": {"error_code", "error_message"}}`
(its rate limit's 429 among them); the text is quoted, 401 and 403 name the credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.coingecko.credentials import PUBLIC_URL, ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    status = body.get("status")
    if isinstance(status, dict) and status.get("error_message"):
        return str(status["error_message"])
    return str(body["error"]) if body.get("error") else None


API = http.Api("CoinGecko", error_text=_error_text)
KEYLESS = Secret("coingecko", {}, {}, name="none (the keyless API)")


def call(secret: Secret | None, path: str, params: dict[str, Any], *, what: str) -> Any:
    """GET `path` with `params`, with the key when the credential has one; its JSON."""
    secret = secret or KEYLESS
    fields = read_fields(ApiKey, secret)
    headers = {"x-cg-demo-api-key": fields.api_key.get_secret_value()} if fields.api_key else {}
    url = f"{fields.base_url or PUBLIC_URL}{path}"
    reply = http.send(API, secret, "GET", url, what=what, headers=headers, params=params)
    if not isinstance(reply.body, dict | list):
        raise NodeError(f"CoinGecko answered {what} with something that is not JSON.")
    return reply.body


def check_key(secret: Secret) -> str:
    """GET /ping: the server's greeting, changing nothing."""
    answer = call(secret, "/ping", {}, what="ping")
    return f"Connected to CoinGecko: {answer.get('gecko_says') or 'it answered'}."
