"""Vonage's SMS API (`POST /sms/json`, the key and secret in the form, as n8n sends them) and
Account API (`/account/get-balance`, the key and secret as HTTP basic auth), over httpx through
the guarded transport. HTTP errors are `{"error-code", "error-code-label"}` (Account API),
`{"type", "title", "detail"}` (newer APIs) or carry a `message`; the SMS API answers 200 and says per message whether it was sent (`status`, `error-text`).
"""

from __future__ import annotations

import base64
from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.vonage.credentials import PUBLIC_URL, ApiKey
from workfuse.lib.node_run import Secret


def _error_text(body: Any) -> str | None:
    if isinstance(body, dict):
        said = body.get("error-code-label") or body.get("title") or body.get("message")
        return str(said) if said else None
    return None


API = http.Api("Vonage", error_text=_error_text)


def send_sms(secret: Secret, form: dict[str, Any]) -> dict[str, Any]:
    """POST /sms/json with `form` and the account's key and secret; Vonage's answer."""
    fields = read_fields(ApiKey, secret)
    form = form | {"api_key": fields.api_key, "api_secret": fields.api_secret.get_secret_value()}
    url = f"{fields.base_url or PUBLIC_URL}/sms/json"
    reply = http.send(API, secret, "POST", url, what="send_sms", data=form)
    return reply.body if isinstance(reply.body, dict) else {}


def check_key(secret: Secret) -> str:
    """GET /account/get-balance: the account's balance, changing nothing."""
    fields = read_fields(ApiKey, secret)
    pair = f"{fields.api_key}:{fields.api_secret.get_secret_value()}".encode()
    headers = {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
    url = f"{fields.base_url or PUBLIC_URL}/account/get-balance"
    reply = http.send(API, secret, "GET", url, what="get-balance", headers=headers)
    balance = reply.body.get("value") if isinstance(reply.body, dict) else None
    return (
        f"Connected to Vonage: the balance is {balance} EUR."
        if balance is not None
        else ("Connected to Vonage.")
    )
