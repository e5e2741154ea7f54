"""Discord's webhook API, over httpx through the guarded transport.

Errors come as `{"message": "...", "code": 50006}`; a form error adds `errors` by field. Rate
limits answer 429 with `{"retry_after": <seconds, fractional>, "global": bool}` (and the
`Retry-After` header, in whole seconds). A wrong or deleted webhook answers 401 or 404.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from integrations import http
from integrations.discord.credentials import Webhook
from integrations.service import read_fields
from workfuse.lib.node_run import NodeError, Secret

ERRORS_LIMIT = 200


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict) or not body.get("message"):
        return None
    text = str(body["message"])
    if body.get("code"):
        text += f" (code {body['code']})"
    if body.get("errors"):
        text += f": {json.dumps(body['errors'])[:ERRORS_LIMIT]}"
    return text


def _retry_after(body: Any) -> float | None:
    seconds = body.get("retry_after") if isinstance(body, dict) else None
    return float(seconds) if isinstance(seconds, int | float) and seconds >= 0 else None


API = http.Api(
    "Discord",
    error_text=_error_text,
    retry_after=_retry_after,
    auth_statuses=frozenset({401, 403, 404}),
)


def _url(secret: Secret) -> str:
    return read_fields(Webhook, secret).webhook_url.get_secret_value()


def execute(secret: Secret, message: dict[str, Any]) -> dict[str, Any]:
    """Post a message; with `wait=true` Discord answers the message it created."""
    url = str(httpx.URL(_url(secret)).copy_merge_params({"wait": "true"}))
    reply = http.send(API, secret, "POST", url, what="the webhook message", json=message)
    if not isinstance(reply.body, dict):
        raise NodeError("Discord answered the webhook message with something that is not JSON.")
    return reply.body


def check_webhook(secret: Secret) -> str:
    """GET on a webhook's URL answers its name and channel, posting nothing."""
    reply = http.send(API, secret, "GET", _url(secret), what="the webhook")
    info = reply.body if isinstance(reply.body, dict) else {}
    return (
        f"Connected to the Discord webhook “{info.get('name', '?')}” "
        f"(channel {info.get('channel_id', '?')})."
    )
