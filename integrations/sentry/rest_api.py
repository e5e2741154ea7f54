"""Sentry's web API (`/api/0/`, on https://sentry.io unless the credential names a self-hosted
server), over httpx through the guarded transport.

Requests carry the token as a bearer token. Errors are `{"detail": ...}` (or field errors
`{"field": ["message"]}`); they are quoted, 401 and 403 name the credential. Lists come by
pages: the `Link` header's `rel="next"` entry has `results="true"` while there are more, and
its `cursor` asks for them.
"""

from __future__ import annotations

import re
from typing import Any

from integrations import http
from integrations.sentry.credentials import AuthToken
from integrations.service import read_fields
from workfuse.lib.node_run import Secret

PUBLIC = "https://sentry.io"
# One entry of a Link header: <url>; rel="next"; results="true"; cursor="0:100:0"
LINK = re.compile(
    r'<[^>]*>\s*;\s*rel="(?P<rel>\w+)"\s*;\s*results="(?P<results>\w+)"\s*;\s*cursor="(?P<cursor>[^"]*)"'
)


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    if body.get("detail"):
        return str(body["detail"])
    said = [f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in body.items()]
    return "; ".join(said) or None


API = http.Api("Sentry", error_text=_error_text)


def _send(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> http.Reply:
    fields = read_fields(AuthToken, secret)
    headers = {"Authorization": f"Bearer {fields.token.get_secret_value()}"}
    url = f"{(fields.base_url or PUBLIC).rstrip('/')}/api/0{path}"
    return http.send(API, secret, method, url, what=what, headers=headers, **body)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call to `path` below `/api/0` and its JSON answer ({} for an empty one)."""
    reply = _send(secret, method, path, what=what, **body)
    return reply.body if isinstance(reply.body, dict | list) else {}


def every(secret: Secret, path: str, most: int, *, what: str, params: dict[str, Any]) -> list[Any]:
    """Every page's entries, following the next cursor while Sentry says there are more
    results (as n8n does), at most `most`."""
    found: list[Any] = []
    cursor: str | None = None
    while len(found) < most:
        query = params | ({"cursor": cursor} if cursor else {})
        reply = _send(secret, "GET", path, what=what, params=query)
        found += reply.body if isinstance(reply.body, list) else []
        cursor = next_cursor(reply.headers.get("link", ""))
        if cursor is None:
            break
    return found[:most]


def next_cursor(link: str) -> str | None:
    """The cursor of the next page, when the Link header says it has results."""
    for entry in LINK.finditer(link):
        if entry["rel"] == "next" and entry["results"] == "true":
            return entry["cursor"]
    return None


def check_token(secret: Secret) -> str:
    """GET /organizations/: the organizations the token sees, changing nothing."""
    found = call(secret, "GET", "/organizations/", what="organizations")
    count = len(found) if isinstance(found, list) else 0
    return f"Connected to Sentry ({count} organization{'s' if count != 1 else ''} visible)."
