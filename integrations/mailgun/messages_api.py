"""Mailgun's Messages API (`/v3/<domain>/messages`), over httpx through the guarded transport.

Requests carry HTTP basic auth, user `api` and the key as password; a message is a form post.
Mailgun answers `{"id", "message": "Queued. Thank you."}`; errors are `{"message"}` (a wrong key
gets 401 with the text "Forbidden"); 401 and 403 name the credential.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from integrations import http
from integrations.mailgun.credentials import HOSTS, ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    return str(body["message"]) if isinstance(body, dict) and body.get("message") else None


API = http.Api("Mailgun", error_text=_error_text)


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call below `/v3/<the credential's domain>` (`path` "" for the domain itself) and its
    JSON answer."""
    fields = read_fields(ApiKey, secret)
    pair = f"api:{fields.api_key.get_secret_value()}".encode()
    headers = {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
    host = fields.base_url or HOSTS[fields.region]
    url = f"{host}/v3/{quote(fields.domain, safe='')}{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if not isinstance(reply.body, dict):
        raise NodeError(
            f"Mailgun answered {what} with something that is not JSON; check the credential's "
            "domain and region."
        )
    return reply.body


def check_key(secret: Secret) -> str:
    """GET /v3/<domain>/tags?limit=1: the key may act for the domain, and nothing is sent."""
    call(secret, "GET", "/tags", what="tags", params={"limit": 1})
    return f"Connected to Mailgun: {read_fields(ApiKey, secret).domain} accepts the key."
