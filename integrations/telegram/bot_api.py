"""Telegram's Bot API, over httpx through the guarded transport.

The token is part of the URL (`/bot<token>/<method>`), which is why integrations' messages never
quote URLs. Answers are `{"ok": true, "result": ...}` or `{"ok": false, "error_code": 400,
"description": "Bad Request: chat not found"}`; a flood limit answers 429 with
`parameters.retry_after` (seconds). A wrong token answers 401 (or 404 when it is malformed);
403 is the chat refusing the bot (blocked, kicked), not a credential problem.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from integrations import http
from integrations.service import read_fields
from integrations.telegram.credentials import DEFAULT_BASE_URL, BotToken
from workfuse.lib.files import File
from workfuse.lib.node_run import NodeError, Secret


def _error_text(body: Any) -> str | None:
    if not isinstance(body, dict) or not body.get("description"):
        return None
    text = str(body["description"])
    parameters = body.get("parameters")
    if isinstance(parameters, dict) and parameters.get("migrate_to_chat_id"):
        text += f" (the group is now chat {parameters['migrate_to_chat_id']}: use that chat_id)"
    return text


def _retry_after(body: Any) -> float | None:
    parameters = body.get("parameters") if isinstance(body, dict) else None
    seconds = parameters.get("retry_after") if isinstance(parameters, dict) else None
    return float(seconds) if isinstance(seconds, int | float) and seconds >= 0 else None


API = http.Api(
    "Telegram",
    error_text=_error_text,
    retry_after=_retry_after,
    auth_statuses=frozenset({401, 404}),
)


def call(
    secret: Secret,
    method: str,
    payload: dict[str, Any] | None = None,
    upload: tuple[str, File] | None = None,
) -> Any:
    """A Bot API method; its `result`. `upload`: (the parameter, the file) sent as a
    multipart/form-data upload, the payload's other values as form fields (objects as JSON)."""
    fields = read_fields(BotToken, secret)
    url = f"{fields.base_url or DEFAULT_BASE_URL}/bot{fields.bot_token.get_secret_value()}/{method}"
    if upload is None:
        reply = http.send(API, secret, "POST", url, what=method, json=payload or {})
    else:
        name, file = upload
        form = {
            key: value if isinstance(value, str) else json.dumps(value)
            for key, value in (payload or {}).items()
        }
        sent = {name: (file.filename, file.data, file.content_type)}
        reply = http.send(API, secret, "POST", url, what=method, data=form, files=sent)
    answer = reply.body
    if not isinstance(answer, dict) or answer.get("ok") is not True:
        raise NodeError(f"Telegram answered {method} without ok: {str(answer)[:200]}")
    return answer.get("result")


def download(secret: Secret, file_path: str) -> bytes:
    """A file getFile made ready (its `file_path`), from the Bot API's file address."""
    fields = read_fields(BotToken, secret)
    token = fields.bot_token.get_secret_value()
    url = f"{fields.base_url or DEFAULT_BASE_URL}/file/bot{token}/{quote(file_path)}"
    reply = http.send(API, secret, "GET", url, what="the file download", raw=True)
    return bytes(reply.body)


def check_bot_token(secret: Secret) -> str:
    """getMe: the bot the token belongs to, changing nothing."""
    bot = call(secret, "getMe")
    bot = bot if isinstance(bot, dict) else {}
    return (
        f"Connected to the Telegram bot @{bot.get('username', '?')} ({bot.get('first_name', '')})."
    )
