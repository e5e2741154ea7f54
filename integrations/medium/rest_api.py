"""Medium's REST API v1 (`/v1`), over httpx through the guarded transport.

Requests carry the integration token as a bearer token. Answers wrap their payload in `data`;
errors are `{"errors": [{"message", "code"}]}`, the first message is quoted, 401 and 403 name
the credential.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.medium.credentials import PUBLIC_URL, IntegrationToken
from integrations.service import read_fields
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("message") or "") or None
    return None


API = http.Api("Medium", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call to `path` below `/v1` and its JSON answer ({} for an empty one)."""
    fields = read_fields(IntegrationToken, secret)
    headers = {"Authorization": f"Bearer {fields.access_token.get_secret_value()}"}
    url = f"{fields.base_url or PUBLIC_URL}/v1{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    return reply.body if isinstance(reply.body, dict) else {}


def me(secret: Secret, *, what: str) -> dict[str, Any]:
    """GET /me: the token's user ({id, username, name, url, imageUrl})."""
    user = call(secret, "GET", "/me", what=what).get("data")
    return user if isinstance(user, dict) else {}


def check_token(secret: Secret) -> str:
    """GET /me: whose token it is, changing nothing."""
    user = me(secret, what="me")
    return f"Connected to Medium as {user.get('username') or user.get('name') or 'a user'}."
