"""WordPress's REST API (`/wp-json/wp/v2`), over httpx through the guarded transport.

Requests carry basic auth (user name:application password). Errors are `{"code", "message",
"data": {"status"}}`: 401 (`rest_not_logged_in`, `incorrect_password`) and 403
(`rest_cannot_create`: the user's role may not) name the credential. Lists page with
`page`/`per_page` (at most 100) and say how many pages there are in `X-WP-TotalPages`.
"""

from __future__ import annotations

import base64
from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.wordpress.credentials import ApplicationPassword
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict) or not body.get("message"):
        return None
    code = body.get("code")
    return f"{code}: {body['message']}" if code else str(body["message"])


API = http.Api("WordPress", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> http.Reply:
    """A REST call (`path` below `/wp-json/wp/v2`) and its answer (JSON body, headers)."""
    fields = read_fields(ApplicationPassword, secret)
    pair = f"{fields.username}:{fields.application_password.get_secret_value()}".encode()
    headers = {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
    url = f"{fields.base_url}/wp-json/wp/v2{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if not isinstance(reply.body, dict | list):
        raise NodeError(
            f"WordPress answered {what} with something that is not JSON; check that the "
            "credential's address is the site's and that its REST API is on."
        )
    return reply


def check_password(secret: Secret) -> str:
    """GET /users/me: whose application password it is, changing nothing."""
    me = call(secret, "GET", "/users/me", what="users/me").body
    who = me.get("name") or me.get("slug") or "someone" if isinstance(me, dict) else "someone"
    return f"Connected to WordPress as {who}."
