"""Ghost's Admin API (`/ghost/api/admin`, Ghost 5), over httpx through the guarded transport.

Each request carries `Authorization: Ghost <token>`: a JWT signed with HS256 by the key's secret
(hex-decoded), its id as `kid`, audience `/admin/`, valid five minutes, as Ghost documents.
Errors are `{"errors": [{"message", "context", "type"}]}`; 401 and 403 name the credential.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from integrations import http
from integrations.ghost.credentials import AdminKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

TOKEN_SECONDS = 300  # Ghost refuses tokens valid longer than five minutes
ACCEPT_VERSION = "v5.0"


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    said = []
    for error in body.get("errors") or []:
        if isinstance(error, dict) and error.get("message"):
            context = error.get("context")
            said.append(f"{error['message']} {context}" if context else str(error["message"]))
    return "; ".join(said) or None


API = http.Api("Ghost", error_text=_error_text)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(admin_key: str, now: float | None = None) -> str:
    """The short-lived JWT Ghost's Admin API accepts for `admin_key` (`<id>:<hex secret>`)."""
    key_id, secret = admin_key.split(":", 1)
    issued = int(now if now is not None else time.time())
    header = {"alg": "HS256", "typ": "JWT", "kid": key_id}
    claims = {"iat": issued, "exp": issued + TOKEN_SECONDS, "aud": "/admin/"}
    signing = ".".join(_b64(json.dumps(part).encode()) for part in (header, claims))
    signature = hmac.new(bytes.fromhex(secret), signing.encode(), hashlib.sha256).digest()
    return f"{signing}.{_b64(signature)}"


def call(secret: Secret, method: str, path: str, *, what: str, **body: Any) -> Any:
    """An Admin API call (`path` below `/ghost/api/admin`, with Ghost's trailing slash) and its
    JSON answer (None for an empty one)."""
    fields = read_fields(AdminKey, secret)
    headers = {
        "Authorization": f"Ghost {token(fields.admin_api_key.get_secret_value())}",
        "Accept-Version": ACCEPT_VERSION,
    }
    url = f"{fields.base_url}/ghost/api/admin{path}"
    reply = http.send(API, secret, method, url, what=what, headers=headers, **body)
    if reply.status == 204:
        return None
    if not isinstance(reply.body, dict):
        raise NodeError(
            f"Ghost answered {what} with something that is not JSON; check that the "
            "credential's address is the Ghost site's."
        )
    return reply.body


def check_key(secret: Secret) -> str:
    """GET /posts/ (one post's id): the key is accepted and the site counts its posts, changing
    nothing. (/site/ would not do: Ghost answers it without a key.)"""
    params = {"limit": 1, "fields": "id"}
    answer = call(secret, "GET", "/posts/", what="posts", params=params) or {}
    total = ((answer.get("meta") or {}).get("pagination") or {}).get("total", 0)
    return f"Connected to Ghost: {total} post(s)."
