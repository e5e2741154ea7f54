"""NASA's open APIs (`https://api.nasa.gov`), over httpx through the guarded transport.

The key travels as the `api_key` query parameter. The gateway refuses a key with
`{"error": {"code", "message"}}` (403) and rate limits with 429; APOD's own errors are
`{"code": 400, "msg": …}`.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.nasa.credentials import PUBLIC_URL, ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    return str(body["msg"]) if body.get("msg") else None


API = http.Api("NASA", error_text=_error_text)


def call(secret: Secret, path: str, params: dict[str, Any], *, what: str) -> dict[str, Any]:
    """GET `path` with `params` and the key; its JSON object."""
    fields = read_fields(ApiKey, secret)
    query = {**params, "api_key": fields.api_key.get_secret_value()}
    url = f"{fields.base_url or PUBLIC_URL}{path}"
    reply = http.send(API, secret, "GET", url, what=what, params=query)
    if not isinstance(reply.body, dict):
        raise NodeError(f"NASA answered {what} with something that is not a JSON object.")
    return reply.body


def check_key(secret: Secret) -> str:
    """Today's Astronomy Picture of the Day: one call, changing nothing."""
    picture = call(secret, "/planetary/apod", {}, what="apod")
    return f"Connected to NASA: today's picture is “{picture.get('title') or 'untitled'}”."
