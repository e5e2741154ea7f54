"""SendGrid's v3 API, over httpx through the guarded transport.

The official `sendgrid` library is not used: it sends with python_http_client (urllib), which
the private-network guard (`workfuse.lib.netguard`, an httpx transport) cannot sit under; the
API is one JSON POST.

Errors come as `{"errors": [{"message": "...", "field": "...", "help": ...}]}`. A wrong or
revoked key answers 401, a key without the needed permission 403. Rate limits answer 429 with
`X-RateLimit-Reset` (the Unix time the limit resets) and no `Retry-After`. Mail Send has no
idempotency key: a step retried after a lost answer may send twice.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.sendgrid.credentials import DEFAULT_BASE_URL, ApiKey
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

SEND_SCOPE = "mail.send"


def _error_text(body: Any) -> str | None:
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not errors:
        return None
    said = []
    for error in errors:
        if not isinstance(error, dict):
            continue
        message = str(error.get("message") or "").strip()
        where = error.get("field")
        said.append(f"{where}: {message}" if where else message)
    return "; ".join(filter(None, said)) or None


API = http.Api("SendGrid", error_text=_error_text, reset_header="X-RateLimit-Reset")


def call(secret: Secret, method: str, path: str, *, what: str, payload: Any = None) -> http.Reply:
    fields = read_fields(ApiKey, secret)
    url = f"{fields.base_url or DEFAULT_BASE_URL}{path}"
    headers = {"Authorization": f"Bearer {fields.api_key.get_secret_value()}"}
    body = {} if payload is None else {"json": payload}
    return http.send(API, secret, method, url, what=what, headers=headers, **body)


def send_mail(secret: Secret, message: dict[str, Any]) -> str | None:
    """POST /v3/mail/send (SendGrid answers 202 with no body); the X-Message-Id it gave."""
    reply = call(secret, "POST", "/v3/mail/send", what="mail/send", payload=message)
    return reply.headers.get("x-message-id")


def check_api_key(secret: Secret) -> str:
    """GET /v3/scopes: the key's permissions, changing nothing; it must hold mail.send."""
    reply = call(secret, "GET", "/v3/scopes", what="scopes")
    scopes = reply.body.get("scopes") if isinstance(reply.body, dict) else None
    if not isinstance(scopes, list):
        raise NodeError("SendGrid answered /v3/scopes without a list of scopes.")
    if SEND_SCOPE not in scopes:
        raise NodeError(
            f"SendGrid accepted the key “{secret.name}”, but it may not send mail: give it Mail "
            "Send access in SendGrid's Settings → API Keys."
        )
    return f"Connected to SendGrid: the key may send mail ({len(scopes)} permissions)."
