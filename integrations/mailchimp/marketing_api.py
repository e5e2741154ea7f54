"""Mailchimp's Marketing API (`https://<dc>.api.mailchimp.com/3.0`), over httpx through the
guarded transport.

Requests carry HTTP basic auth with any user name and the API key as the password, as
Mailchimp documents. Errors are RFC 7807 problems `{"type", "title", "status", "detail",
"instance"}`: 401 (`API Key Invalid`) and 403 name the credential; 400 quotes title and detail
("Member Exists", "Invalid Resource"). A member is addressed by the MD5 of its lower-cased email.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from integrations import http
from integrations.mailchimp.credentials import ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict) or not (body.get("title") or body.get("detail")):
        return None
    parts = [str(body[k]) for k in ("title", "detail") if body.get(k)]
    return ": ".join(parts)


API = http.Api("Mailchimp", error_text=_error_text)


def subscriber_hash(email: str) -> str:
    """Mailchimp's id of a list member: the MD5 of the lower-cased address."""
    return hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """A call (`path` below `/3.0`) and its JSON answer; `{}` for an empty 204."""
    fields = read_fields(ApiKey, secret)
    pair = f"workfuse:{fields.api_key.get_secret_value()}".encode()
    headers = {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
    reply = http.send(
        API, secret, method, f"{fields.api_root()}{path}", what=what, headers=headers, **body
    )
    if reply.status == 204:
        return {}
    if not isinstance(reply.body, dict):
        raise NodeError(
            f"Mailchimp answered {what} with something that is not JSON; check the "
            "credential's base URL (leave it empty for Mailchimp itself)."
        )
    return reply.body


def check_key(secret: Secret) -> str:
    """GET / (the API root): the account the key belongs to, changing nothing."""
    root = call(secret, "GET", "/", what="API root")
    return f"Connected to Mailchimp account {root.get('account_name') or '?'}."
