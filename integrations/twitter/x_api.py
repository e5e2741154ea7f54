"""X API v2 (`https://api.x.com/2`), over httpx through the guarded transport.

Answers carry their payload in `data`. Errors are RFC 7807 problems (`{"title", "detail",
"type", "status"}`), a 400 adds `errors: [{"message"}]`; a lookup of something missing answers
200 with `errors` and no `data`. 401 is a wrong or expired token; 403 is X refusing the action
(a duplicate tweet, a protected account, an access tier without the endpoint), not the
credential. A 429 carries `x-rate-limit-reset`, the Unix time the window reopens.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.twitter.credentials import DEFAULT_BASE_URL, XAccessToken
from workfuse.lib.node_run import NodeError, Secret


def _problem(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        return str(first.get("message") or first.get("detail") or first.get("title") or "")
    if body.get("detail") or body.get("title"):
        return str(body.get("detail") or body.get("title"))
    return None


API = http.Api(
    "X", error_text=_problem, auth_statuses=frozenset({401}), reset_header="x-rate-limit-reset"
)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> dict[str, Any]:
    """A call (`path` below `/2`) and its whole JSON answer (`data`, `meta`, `includes`)."""
    fields = read_fields(XAccessToken, secret)
    headers = {"Authorization": f"Bearer {fields.access_token.get_secret_value()}"}
    url = f"{fields.base_url or DEFAULT_BASE_URL}/2{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if not isinstance(reply.body, dict):
        raise NodeError(
            f"X answered {what} with something that is not JSON; check the credential's base "
            "URL (leave it empty for X itself)."
        )
    if "data" not in reply.body and reply.body.get("errors") and "meta" not in reply.body:
        raise NodeError(
            f"X refused {what}: {_problem(reply.body)}", detail={"error": _problem(reply.body)}
        )
    return reply.body


def data(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call's `data`, which is what n8n's node outputs."""
    return call(secret, method, path, what=what, **body).get("data")


def check_token(secret: Secret) -> str:
    """GET /2/users/me: whose token it is, changing nothing."""
    me = data(secret, "GET", "/users/me", what="users/me") or {}
    return f"Connected to X as @{me.get('username', '?')}."
