"""A fake Telegram Bot API: `/bot<token>/<method>` answering `{"ok": true, "result": ...}` or
`{"ok": false, "error_code", "description"}` (with `parameters.retry_after` on 429), as the
real one does."""

from __future__ import annotations

import itertools
from typing import Any

from tests.fakes import Answer, FakeService, Received

BOT_TOKEN = "123456789:AAFakeTelegramBotToken_xyz-42"


class FakeTelegram(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.tokens = {BOT_TOKEN}
        self.chats = {"4242", "-1001234567890", "@ops_news"}
        self.messages: list[dict[str, Any]] = []
        self._ids = itertools.count(1)

    def respond(self, request: Received) -> Answer:
        prefix, _, method = request.path.strip("/").partition("/")
        if not prefix.startswith("bot") or not method:
            return _error(404, "Not Found")
        if prefix.removeprefix("bot") not in self.tokens:
            return _error(401, "Unauthorized")
        if method == "getMe":
            bot = {"id": 123456789, "is_bot": True, "first_name": "Ops Bot", "username": "ops_bot"}
            return Answer(200, {"ok": True, "result": bot})
        if method == "sendMessage":
            return self._send_message(request)
        return _error(404, "Not Found")

    def _send_message(self, request: Received) -> Answer:
        body = request.json if "json" in request.headers.get("content-type", "") else {}
        chat_id = str(body.get("chat_id", ""))
        if not body.get("text"):
            return _error(400, "Bad Request: message text is empty")
        if chat_id not in self.chats:
            return _error(400, "Bad Request: chat not found")
        if body.get("parse_mode") not in (None, "HTML", "MarkdownV2", "Markdown"):
            return _error(400, f"Bad Request: unsupported parse_mode {body['parse_mode']}")
        message = {
            "message_id": next(self._ids),
            "from": {"id": 123456789, "is_bot": True, "first_name": "Ops Bot"},
            "chat": {"id": int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id},
            "date": 1765000000,
            "text": body["text"],
        }
        self.messages.append({**body, "message_id": message["message_id"]})
        return Answer(200, {"ok": True, "result": message})


def _error(code: int, description: str, **parameters: Any) -> Answer:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Answer(code, body)
