"""A fake Discord: channel webhooks at `/api/webhooks/<id>/<token>` (GET: the webhook's info;
POST: a message, answered with it when `?wait=true`, else 204), with Discord's error shape
`{"message", "code"}` and rate-limit answer `{"message", "retry_after", "global"}`. A message
comes as JSON or, with files, as multipart/form-data: `payload_json` and `files[<n>]` parts,
each file answered in the message's `attachments` (and kept in `uploads`)."""

from __future__ import annotations

import itertools
import json
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from tests.fakes import Answer, FakeService, Received

WEBHOOK_ID = "1234567890"
WEBHOOK_TOKEN = "fakeDiscordWebhookToken-abcdef"


class FakeDiscord(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.webhooks = {WEBHOOK_ID: WEBHOOK_TOKEN}
        self.messages: list[dict[str, Any]] = []
        self.uploads: list[dict[str, Any]] = []  # {field, filename, content_type, data}
        self._ids = itertools.count(1)

    @property
    def webhook_url(self) -> str:
        return f"{self.url}/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}"

    def respond(self, request: Received) -> Answer:
        parts = request.path.strip("/").split("/")
        if len(parts) != 4 or parts[:2] != ["api", "webhooks"]:
            return Answer(404, {"message": "404: Not Found", "code": 0})
        webhook_id, token = parts[2], parts[3]
        if webhook_id not in self.webhooks:
            return Answer(404, {"message": "Unknown Webhook", "code": 10015})
        if self.webhooks[webhook_id] != token:
            return Answer(401, {"message": "Invalid Webhook Token", "code": 50027})
        if request.method == "GET":
            return Answer(200, self._info(webhook_id, token))
        return self._execute(request, webhook_id)

    def _info(self, webhook_id: str, token: str) -> dict[str, Any]:
        return {
            "type": 1,
            "id": webhook_id,
            "name": "Deploys",
            "avatar": None,
            "channel_id": "998877",
            "guild_id": "112233",
            "application_id": None,
            "token": token,
        }

    def _multipart(self, request: Received) -> tuple[Any, list[dict[str, Any]]]:
        kind = request.headers["content-type"]
        parsed = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {kind}\r\n\r\n".encode() + request.body
        )
        body: Any = None
        parts: list[dict[str, Any]] = []
        for part in parsed.iter_parts():
            assert isinstance(part, Message)
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True)
            assert isinstance(name, str) and isinstance(data, bytes)
            if name == "payload_json":
                body = json.loads(data)
            elif name.startswith("files[") and name.endswith("]"):
                parts.append(
                    {
                        "field": name,
                        "filename": part.get_filename(),
                        "content_type": part.get_content_type(),
                        "data": data,
                    }
                )
        return body, parts

    def _attachments(self, body: dict[str, Any], parts: list[dict[str, Any]]) -> list[Any]:
        """Discord names each file by its entry in the payload's attachments (by id), else by
        its part's filename."""
        listed = {str(a.get("id")): a for a in body.get("attachments") or []}
        made = []
        for part in parts:
            entry = listed.get(part["field"][len("files[") : -1], {})
            filename = entry.get("filename") or part["filename"]
            attachment_id = str(700000 + next(self._ids))
            made.append(
                {
                    "id": attachment_id,
                    "filename": filename,
                    "size": len(part["data"]),
                    "content_type": part["content_type"],
                    "url": f"https://cdn.discordapp.com/attachments/998877/{attachment_id}/"
                    f"{filename}",
                }
            )
        return made

    def _execute(self, request: Received, webhook_id: str) -> Answer:
        kind = request.headers.get("content-type", "")
        body, parts = self._multipart(request) if kind.startswith("multipart/") else (None, [])
        if "json" in kind:
            body = request.json
        if not isinstance(body, dict):
            return Answer(400, {"message": "Cannot send an empty message", "code": 50006})
        self.uploads += parts
        if not body.get("content") and not body.get("embeds") and not parts:
            return Answer(400, {"message": "Cannot send an empty message", "code": 50006})
        if len(body.get("content") or "") > 2000:
            return Answer(
                400,
                {
                    "message": "Invalid Form Body",
                    "code": 50035,
                    "errors": {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}},
                },
            )
        message = {
            "id": str(900000 + next(self._ids)),
            "type": 0,
            "content": body.get("content", ""),
            "channel_id": "998877",
            "author": {
                "id": webhook_id,
                "username": body.get("username") or "Deploys",
                "bot": True,
            },
            "embeds": body.get("embeds") or [],
            "attachments": self._attachments(body, parts),
            "timestamp": "2026-12-06T10:00:00.000000+00:00",
            "webhook_id": webhook_id,
        }
        self.messages.append(message)
        if request.query.get("wait") != ["true"]:
            return Answer(204)
        return Answer(200, message)
