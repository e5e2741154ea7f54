"""uProc's API v2 over httpx through the guarded transport: `POST /api/v2/process` with
`{processor, params, callback?}` runs one tool; `GET /api/v2/profile` reads the account.
Requests carry HTTP Basic `email:api_key`. Errors are `{"message"}` or `{"error"}`; 401 names
the credential; a 402 (no credits left) is quoted."""

from __future__ import annotations

import base64
from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.uproc.credentials import PUBLIC_URL, UprocKey
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if isinstance(body, dict):
        said = body.get("message") or body.get("error")
        return str(said) if said else None
    return None


API = http.Api("uProc", error_text=_error_text, auth_statuses=frozenset({401}))


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    fields = read_fields(UprocKey, secret)
    pair = f"{fields.email}:{fields.api_key.get_secret_value()}"
    headers = {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}
    url = f"{fields.base_url or PUBLIC_URL}/api/v2{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if not isinstance(reply.body, dict | list):
        raise NodeError(
            f"uProc answered {what} with something that is not JSON; check the credential's "
            "base URL (leave it empty for uProc itself)."
        )
    return reply.body


def check(secret: Secret) -> str:
    """GET /profile: whose key it is and the credits left, spending none."""
    profile = call(secret, "GET", "/profile", what="profile")
    profile = profile if isinstance(profile, dict) else {}
    who = profile.get("email") or "the account"
    credits = profile.get("credits")
    left = f" ({credits} credits left)" if credits is not None else ""
    return f"uProc accepted the key of {who}{left}."
