"""Humantic AI's API v1 (`https://api.humantic.ai/v1`), over httpx through the guarded
transport.

The key travels as the `apikey` query parameter. Humantic AI may refuse with a 200 whose
`data.status` is "error" (n8n's node fails then too); its `message` is quoted, as are the
messages of 4xx answers; 401 and 403 name the credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.humantic_ai.credentials import PUBLIC_URL, ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    data = body.get("data")
    inner = data if isinstance(data, dict) else body
    text = inner.get("message") or inner.get("error")
    return str(text) if text else None


API = http.Api("Humantic AI", error_text=_error_text)


def call(
    secret: Secret, method: str, path: str, params: dict[str, Any], *, what: str, **body: Any
) -> dict[str, Any]:
    """A call to `path` below `/v1` with `params` and the key; its JSON object."""
    fields = read_fields(ApiKey, secret)
    query = {**params, "apikey": fields.api_key.get_secret_value()}
    url = f"{fields.base_url or PUBLIC_URL}/v1{path}"
    reply = http.send(API, secret, method, url, what=what, params=query, **body)
    answer = reply.body if isinstance(reply.body, dict) else {}
    data = answer.get("data")
    if isinstance(data, dict) and data.get("status") == "error":
        raise NodeError(f"Humantic AI refused {what}: {_error_text(answer) or 'an error'}")
    return answer


def check_key(secret: Secret) -> str:
    """GET /user-profile for a user id no one has: a refusal of the id, not of the key, means
    the key works."""
    try:
        call(secret, "GET", "/user-profile", {"userid": "workfuse-connection-test"}, what="test")
    except NodeError as exc:
        if not exc.message.startswith("Humantic AI refused test"):
            raise
    return "Connected to Humantic AI: the API key was accepted."
