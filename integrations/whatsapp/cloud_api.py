"""WhatsApp's Cloud API (Meta's Graph API), over httpx through the guarded transport.

`POST /{version}/{phone number id}/messages` with a bearer token sends a message and answers
`{"messaging_product": "whatsapp", "contacts": [{"input", "wa_id"}], "messages": [{"id"}]}`.
Errors are Graph errors, `{"error": {"message", "type", "code", "error_subcode",
"fbtrace_id"}}`: an expired or wrong token answers 401 (code 190); throughput and spam limits
answer 400 or 429 with codes 4, 80007, 130429 or 131056, which are retried. The API takes no
idempotency key: a step retried after a lost answer may send its message twice.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.service import read_fields
from integrations.whatsapp.credentials import DEFAULT_BASE_URL, CloudApi
from workfuse.lib.node_run import NodeError, Secret

VERSION = "v21.0"
RATE_LIMIT_CODES = frozenset({4, 80007, 130429, 131056})


def _error(body: Any) -> dict[str, Any]:
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _error_text(body: Any) -> str | None:
    error = _error(body)
    if not error.get("message"):
        return None
    text = str(error["message"])
    code = error.get("code")
    return f"{text} (code {code})" if code is not None else text


def _is_rate_limit(reply: http.Reply) -> bool:
    return reply.status == 429 or _error(reply.body).get("code") in RATE_LIMIT_CODES


API = http.Api("WhatsApp", error_text=_error_text, is_rate_limit=_is_rate_limit)


def _url(fields: CloudApi, path: str) -> str:
    return f"{fields.base_url or DEFAULT_BASE_URL}/{VERSION}/{path}"


def _auth(fields: CloudApi) -> dict[str, str]:
    return {"Authorization": f"Bearer {fields.access_token.get_secret_value()}"}


def send_message(secret: Secret, phone_number_id: str, message: dict[str, Any]) -> Any:
    """POST …/{phone_number_id}/messages: what the API answers (the message's id)."""
    fields = read_fields(CloudApi, secret)
    reply = http.send(
        API,
        secret,
        "POST",
        _url(fields, f"{phone_number_id}/messages"),
        what="messages",
        headers=_auth(fields),
        json={"messaging_product": "whatsapp", **message},
    )
    return reply.body


def media_url(secret: Secret, media_id: str) -> Any:
    """GET …/{media_id}: the media's download URL (valid for 5 minutes) and what it is."""
    fields = read_fields(CloudApi, secret)
    if not media_id.isdigit():
        raise NodeError(f"media: a media id is digits, not {media_id[:40]!r}")
    reply = http.send(
        API, secret, "GET", _url(fields, media_id), what="media", headers=_auth(fields)
    )
    return reply.body


def check_account(secret: Secret) -> str:
    """GET …/{business_account_id}/phone_numbers: the numbers the token may send from."""
    fields = read_fields(CloudApi, secret)
    url = _url(fields, f"{fields.business_account_id}/phone_numbers")
    reply = http.send(API, secret, "GET", url, what="phone_numbers", headers=_auth(fields))
    data = reply.body.get("data") if isinstance(reply.body, dict) else None
    if not data:
        raise NodeError(
            f"The WhatsApp Business Account {fields.business_account_id} has no phone number "
            "yet: add one on the app's WhatsApp → API Setup page."
        )
    numbers = ", ".join(
        f"{n.get('display_phone_number', '?')} (ID {n.get('id', '?')})" for n in data[:5]
    )
    return f"Connected to the WhatsApp Business Account {fields.business_account_id}: {numbers}."
