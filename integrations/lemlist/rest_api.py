"""lemlist's API (`/api`), over httpx through the guarded transport.

Requests carry Basic auth with an empty user name and the API key as the password. lemlist
answers errors as plain text (or `{"message"}`); 401 names the credential; 429 is retried
after `Retry-After`.
"""

from __future__ import annotations

import base64
from typing import Any

from integrations import http
from integrations.lemlist.credentials import PUBLIC_URL, ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])
    if isinstance(body, str) and body.strip():
        return body.strip()
    return None


API = http.Api("lemlist", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call (`path` below `/api`) and its JSON answer ({} for an empty one)."""
    fields = read_fields(ApiKey, secret)
    pair = f":{fields.api_key.get_secret_value()}".encode()
    headers = {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
    url = f"{fields.base_url or PUBLIC_URL}/api{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if reply.body in ("", None):
        return {}
    if not isinstance(reply.body, dict | list):
        raise NodeError(
            f"lemlist answered {what} with something that is not JSON; check the credential's "
            "base URL (leave it empty for lemlist itself)."
        )
    return reply.body


def check_key(secret: Secret) -> str:
    """GET /team: whose key it is, changing nothing."""
    team = call(secret, "GET", "/team", what="team")
    name = team.get("name") if isinstance(team, dict) else None
    return f"Connected to lemlist team {name or 'of this key'}."
