"""Zendesk Support's REST API (`https://<subdomain>.zendesk.com/api/v2/<path>.json`), over httpx
through the guarded transport.

Errors are `{"error": "RecordNotFound", "description": "Not found"}`, `{"error": {"title",
"message"}}` or `{"error": "RecordInvalid", "description", "details": {field: [{description}]}}`;
a bad credential answers 401 `{"error": "Couldn't authenticate you"}`. A 429 carries
`Retry-After`. Lists page with `per_page` and `next_page` (a full URL).
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlsplit

from integrations import http
from integrations.service import read_fields
from integrations.zendesk.credentials import KINDS, ApiToken, OAuthToken
from workfuse.lib.node_run import NodeError, Secret

PAGE = 100  # Zendesk's largest page


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict) or not body.get("error"):
        return None
    error = body["error"]
    if isinstance(error, dict):
        return ": ".join(str(error[k]) for k in ("title", "message") if error.get(k))
    said = f"{error}: {body['description']}" if body.get("description") else str(error)
    details = body.get("details")
    if isinstance(details, dict):
        found = [
            f"{field} {d.get('description') or d.get('error')}"
            for field, problems in details.items()
            for d in (problems if isinstance(problems, list) else [])
            if isinstance(d, dict)
        ]
        said += f" ({'; '.join(found)})" if found else ""
    return said


API = http.Api("Zendesk", error_text=_error_text)


def credential(secret: Secret, operation: str) -> ApiToken | OAuthToken:
    """The step's credential's fields, when it is one of Zendesk's kinds."""
    fields = KINDS.get(secret.kind)
    if fields is None:
        raise NodeError(
            f"The {operation} operation needs a Zendesk credential (email and API token, or "
            f"OAuth token); “{secret.name}” is of kind {secret.kind}: choose another one."
        )
    return read_fields(fields, secret)


def _auth(fields: ApiToken | OAuthToken) -> str:
    if isinstance(fields, OAuthToken):
        return f"Bearer {fields.access_token.get_secret_value()}"
    pair = f"{fields.email}/token:{fields.api_token.get_secret_value()}"
    return "Basic " + base64.b64encode(pair.encode()).decode()


def base(fields: ApiToken | OAuthToken) -> str:
    return fields.base_url or f"https://{fields.subdomain}.zendesk.com"


def call(
    secret: Secret,
    method: str,
    path: str,
    *,
    what: str,
    url: str | None = None,
    headers: dict[str, str] | None = None,
    **body: Any,
) -> Any:
    """A call (`path` below `/api/v2`, without `.json`; or a `next_page` `url` Zendesk gave) and
    its JSON answer (None for an empty 204)."""
    fields = credential(secret, what)
    sent = {"Authorization": _auth(fields), "Accept": "application/json", **(headers or {})}
    target = url or f"{base(fields)}/api/v2{path}.json"
    reply = http.send(API, secret, method, target, what=what, headers=sent, **body)
    if reply.status == 204 or reply.body == "":
        return None
    if not isinstance(reply.body, dict):
        raise NodeError(
            f"Zendesk answered {what} with something that is not JSON; check the credential's "
            "subdomain and base URL."
        )
    return reply.body


def pages(
    secret: Secret, path: str, key: str, query: dict[str, Any], *, what: str, most: int
) -> list[Any]:
    """Up to `most` records of a list (`key`: where each page holds them), following
    `next_page` on the same host only."""
    own_host = urlsplit(base(credential(secret, what))).netloc
    found: list[Any] = []
    answer = call(secret, "GET", path, what=what, params={**query, "per_page": min(PAGE, most)})
    while True:
        found.extend((answer or {}).get(key) or [])
        following = (answer or {}).get("next_page")
        if len(found) >= most or not following or urlsplit(following).netloc != own_host:
            return found[:most]
        answer = call(secret, "GET", "", what=what, url=following)


def check_credential(secret: Secret) -> str:
    """GET /users/me: who the credential acts as, changing nothing. Zendesk answers an
    anonymous user (id null) to a call it could not tie to anyone."""
    me = (call(secret, "GET", "/users/me", what="users/me") or {}).get("user") or {}
    if me.get("id") is None:
        raise NodeError(
            f"Zendesk did not recognise the credential “{secret.name}”: it answered as an "
            "anonymous user. Check the email and token."
        )
    return f"Connected to Zendesk as {me.get('name') or me.get('email')} ({me.get('role')})."
