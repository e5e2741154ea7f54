"""Twilio's REST API (2010-04-01), over httpx through the guarded transport.

The official `twilio` library is not used: it sends with `requests`. Its pluggable HttpClient
could carry httpx, but what it returns to the library (status and text) drops the response
headers, so `Retry-After` would be lost, and its exceptions would need mapping back anyway; the
call is one form-encoded POST.

Requests use HTTP basic auth (Account SID, Auth Token). Errors are `{"code": 21211, "message":
"...", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}`: a wrong SID or
token answers 401 (code 20003), too many requests 429 (code 20429). Twilio deduplicates a
request sent again with the same `I-Twilio-Idempotency-Token`, so a retried step sends its SMS
once.
"""

from __future__ import annotations

import base64
from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.twilio.credentials import DEFAULT_BASE_URL, AuthToken
from workfuse.lib.node_run import NodeError, Secret

VERSION = "2010-04-01"


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict) or not (body.get("message") or body.get("code")):
        return None
    text = str(body.get("message") or "").strip()
    if body.get("code"):
        text += f" (error {body['code']}"
        text += f", {body['more_info']})" if body.get("more_info") else ")"
    return text.strip()


API = http.Api("Twilio", error_text=_error_text)


def _account_url(fields: AuthToken) -> str:
    return f"{fields.base_url or DEFAULT_BASE_URL}/{VERSION}/Accounts/{fields.account_sid}"


def _auth(fields: AuthToken) -> dict[str, str]:
    pair = f"{fields.account_sid}:{fields.auth_token.get_secret_value()}".encode()
    return {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}


def create_message(secret: Secret, form: dict[str, str], idempotency_key: str) -> Any:
    """POST …/Messages.json: the message resource Twilio created (status `queued`)."""
    fields = read_fields(AuthToken, secret)
    reply = http.send(
        API,
        secret,
        "POST",
        f"{_account_url(fields)}/Messages.json",
        what="Messages",
        headers={**_auth(fields), "I-Twilio-Idempotency-Token": idempotency_key},
        data=form,
    )
    return reply.body


def check_account(secret: Secret) -> str:
    """GET …/Accounts/{sid}.json: the account the SID and token open, changing nothing."""
    fields = read_fields(AuthToken, secret)
    url = f"{_account_url(fields)}.json"
    reply = http.send(API, secret, "GET", url, what="Accounts", headers=_auth(fields))
    account = reply.body if isinstance(reply.body, dict) else {}
    status = str(account.get("status") or "unknown")
    name = account.get("friendly_name") or fields.account_sid
    if status != "active":
        raise NodeError(
            f"The Twilio account “{name}” is {status}: it cannot send messages until it is "
            "active again."
        )
    return f"Connected to the Twilio account “{name}” (active)."
