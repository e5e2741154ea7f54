"""Discord's webhook API, over httpx through the guarded transport.

Errors come as `{"message": "...", "code": 50006}`; a form error adds `errors` by field. Rate
limits answer 429 with `{"retry_after": <seconds, fractional>, "global": bool}` (and the
`Retry-After` header, in whole seconds). A wrong or deleted webhook answers 401 or 404.

A message with files is multipart/form-data: the message's JSON in the part `payload_json`
(its `attachments` listing each file's `id` and `filename`) and each file in the part
`files[<id>]`.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Sequence
from typing import Any

import httpx

from integrations import http
from integrations.discord.credentials import Webhook
from integrations.service import read_fields
from workfuse.lib.files import File
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


def _filename(upload: File) -> str:
    """The file's name, with its type's extension when it has none: Discord shows an image or
    a video inline by its name's extension."""
    if "." in upload.filename:
        return upload.filename
    return upload.filename + (mimetypes.guess_extension(upload.content_type) or "")


def _multipart(message: dict[str, Any], uploads: Sequence[File]) -> dict[str, Any]:
    names = [_filename(upload) for upload in uploads]
    listed = [{"id": index, "filename": name} for index, name in enumerate(names)]
    return {
        "data": {"payload_json": json.dumps({**message, "attachments": listed})},
        "files": [
            (f"files[{index}]", (name, upload.data, upload.content_type))
            for index, (name, upload) in enumerate(zip(names, uploads, strict=True))
        ],
    }


def execute(
    secret: Secret, message: dict[str, Any], uploads: Sequence[File] = ()
) -> dict[str, Any]:
    """Post a message, with `uploads` attached; with `wait=true` Discord answers the message it
    created."""
    url = str(httpx.URL(_url(secret)).copy_merge_params({"wait": "true"}))
    body = _multipart(message, uploads) if uploads else {"json": message}
    reply = http.send(API, secret, "POST", url, what="the webhook message", **body)
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
