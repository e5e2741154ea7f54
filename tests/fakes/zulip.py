"""A fake Zulip API v1: the email and API key as basic auth; messages sent (POST `/api/v1/messages`
with form fields `type` stream or private, `to`, `topic`, `content`, answered `{id, msg,
result}`), read, edited and deleted by id; `/api/v1/users/me`; Zulip's `{result: "error", msg,
code}` errors."""

from __future__ import annotations

import base64
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

EMAIL, KEY = "n8n-bot@acme.zulipchat.com", "zulip-fake-key-7c"
MESSAGE = re.compile(r"^/api/v1/messages/(?P<id>\d+)$")


def error(status: int, msg: str, code: str = "BAD_REQUEST") -> Answer:
    return Answer(status, {"result": "error", "msg": msg, "code": code})


class FakeZulip(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.messages: dict[int, dict[str, Any]] = {}
        self.streams = {"customer support", "general"}

    def respond(self, request: Received) -> Answer:
        expected = base64.b64encode(f"{EMAIL}:{KEY}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return error(401, "Invalid API key", "UNAUTHORIZED")
        if request.path == "/api/v1/users/me":
            return Answer(200, {"result": "success", "email": EMAIL, "full_name": "n8n Bot"})
        if request.path == "/api/v1/messages" and request.method == "POST":
            form = request.form
            if form.get("type") == "stream" and form.get("to") not in self.streams:
                return error(
                    400, f"Stream '{form.get('to')}' does not exist", "STREAM_DOES_NOT_EXIST"
                )
            message_id = 100 + len(self.messages)
            self.messages[message_id] = form
            return Answer(200, {"id": message_id, "msg": "", "result": "success"})
        match = MESSAGE.match(request.path)
        if match is None or int(match["id"]) not in self.messages:
            return error(400, "Invalid message(s)")
        message_id = int(match["id"])
        if request.method == "DELETE":
            del self.messages[message_id]
        elif request.method == "PATCH":
            self.messages[message_id] |= request.form
        elif request.method == "GET":
            found = self.messages[message_id]
            return Answer(
                200,
                {
                    "result": "success",
                    "msg": "",
                    "raw_content": found["content"],
                    "message": {"id": message_id, **found},
                },
            )
        return Answer(200, {"result": "success", "msg": ""})
