"""Spontit's REST API v3 (`/v3`), over httpx through the guarded transport.

Requests carry the secret key in `X-Authorization` and the username in `X-UserId`. Answers are
`{"data": ...}`; errors are `{"message": "..."}`, quoted, and 401 and 403 name the credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.spontit.credentials import PUBLIC_URL, ApiKey
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if isinstance(body, dict):
        said = body.get("message") or body.get("error")
        return str(said) if said else None
    return None


API = http.Api("Spontit", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call to `path` below `/v3` and the `data` of its JSON answer."""
    fields = read_fields(ApiKey, secret)
    headers = {"X-Authorization": fields.api_key.get_secret_value(), "X-UserId": fields.username}
    url = f"{fields.base_url or PUBLIC_URL}/v3{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if not isinstance(reply.body, dict) or "data" not in reply.body:
        raise NodeError(f"Spontit answered {what} without the data it sends back.")
    return reply.body["data"]


def check_key(secret: Secret) -> str:
    """GET /v3/channel: the account's main channel, changing nothing."""
    channel = call(secret, "GET", "/channel", what="test")
    name = channel.get("channelName") if isinstance(channel, dict) else None
    return f"Connected to Spontit as {name or read_fields(ApiKey, secret).username}."
