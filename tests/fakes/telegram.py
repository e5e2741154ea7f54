"""A fake Telegram Bot API: `/bot<token>/<method>` answering `{"ok": true, "result": ...}` or
`{"ok": false, "error_code", "description"}` (with `parameters.retry_after` on 429), as the
real one does. Methods take JSON or multipart/form-data (a file upload: its part is kept in
`uploads`); files getFile describes are served under `/file/bot<token>/<file_path>`."""

from __future__ import annotations

import itertools
import json
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from tests.fakes import Answer, FakeService, Received

BOT_TOKEN = "123456789:AAFakeTelegramBotToken_xyz-42"


class FakeTelegram(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.tokens = {BOT_TOKEN}
        self.chats = {"4242", "-1001234567890", "@ops_news"}
        self.messages: list[dict[str, Any]] = []
        self.uploads: list[dict[str, Any]] = []  # {field, filename, content_type, data}
        self.deleted: list[tuple[str, int]] = []
        self.actions: list[tuple[str, str]] = []
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, bytes)
        self._ids = itertools.count(1)

    def add_file(self, file_id: str, file_path: str, data: bytes) -> None:
        self.files[file_id] = (file_path, data)

    def respond(self, request: Received) -> Answer:
        if request.path.startswith("/file/"):
            return self._file(request)
        prefix, _, method = request.path.strip("/").partition("/")
        if not prefix.startswith("bot") or not method:
            return _error(404, "Not Found")
        if prefix.removeprefix("bot") not in self.tokens:
            return _error(401, "Unauthorized")
        if method == "getMe":
            bot = {"id": 123456789, "is_bot": True, "first_name": "Ops Bot", "username": "ops_bot"}
            return Answer(200, {"ok": True, "result": bot})
        body = self._body(request)
        if body is None:
            return _error(400, "Bad Request: can't parse request body")
        handler = {
            "sendMessage": self._send_message,
            "sendPhoto": self._send_media,
            "sendDocument": self._send_media,
            "sendAudio": self._send_media,
            "sendVideo": self._send_media,
            "editMessageText": self._edit,
            "deleteMessage": self._delete,
            "sendChatAction": self._chat_action,
            "getChat": self._get_chat,
            "getFile": self._get_file,
        }.get(method)
        if handler is None:
            return _error(404, "Not Found")
        if method != "getFile" and str(body.get("chat_id", "")) not in self.chats:
            return _error(400, "Bad Request: chat not found")
        if body.get("parse_mode") not in (None, "HTML", "MarkdownV2", "Markdown"):
            return _error(400, f"Bad Request: unsupported parse_mode {body['parse_mode']}")
        markup = body.get("reply_markup")
        if isinstance(markup, str):  # multipart sends objects as JSON text
            body["reply_markup"] = json.loads(markup)
        return handler(method, body)

    def _body(self, request: Received) -> dict[str, Any] | None:
        kind = request.headers.get("content-type", "")
        if "json" in kind:
            return request.json if isinstance(request.json, dict) else None
        if kind.startswith("multipart/form-data"):
            parsed = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {kind}\r\n\r\n".encode() + request.body
            )
            body: dict[str, Any] = {}
            for part in parsed.iter_parts():
                assert isinstance(part, Message)
                name = part.get_param("name", header="content-disposition")
                data = part.get_payload(decode=True)
                assert isinstance(name, str) and isinstance(data, bytes)
                filename = part.get_filename()
                if filename is None:
                    body[name] = data.decode()
                    continue
                upload = {
                    "field": name,
                    "filename": filename,
                    "content_type": part.get_content_type(),
                    "data": data,
                }
                self.uploads.append(upload)
                body[name] = f"attach://{filename}"
            return body
        return {}

    def _message(self, chat_id: str, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._ids),
            "from": {"id": 123456789, "is_bot": True, "first_name": "Ops Bot"},
            "chat": {"id": int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id},
            "date": 1765000000,
            **content,
        }

    def _send_message(self, method: str, body: dict[str, Any]) -> Answer:
        if not body.get("text"):
            return _error(400, "Bad Request: message text is empty")
        content: dict[str, Any] = {"text": body["text"]}
        if body.get("reply_markup", {}).get("inline_keyboard"):
            content["reply_markup"] = body["reply_markup"]
        message = self._message(str(body["chat_id"]), **content)
        self.messages.append({**body, "message_id": message["message_id"]})
        return Answer(200, {"ok": True, "result": message})

    def _send_media(self, method: str, body: dict[str, Any]) -> Answer:
        kind = method.removeprefix("send").lower()
        sent = body.get(kind)
        if not sent:
            return _error(400, f"Bad Request: there is no {kind} in the request")
        if not str(sent).startswith(("attach://", "http", "AgAC", "BQAC", "CQAC", "BAAC")):
            return _error(400, "Bad Request: wrong remote file identifier specified")
        media: dict[str, Any] = {"file_id": f"{kind}-file-{len(self.messages) + 1}"}
        content: dict[str, Any] = {kind: [media] if kind == "photo" else media}
        if body.get("caption"):
            content["caption"] = body["caption"]
        message = self._message(str(body["chat_id"]), **content)
        self.messages.append({**body, "message_id": message["message_id"]})
        return Answer(200, {"ok": True, "result": message})

    def _find(self, body: dict[str, Any]) -> dict[str, Any] | None:
        chat, wanted = str(body.get("chat_id")), str(body.get("message_id"))
        return next(
            (
                m
                for m in self.messages
                if str(m["chat_id"]) == chat and str(m["message_id"]) == wanted
            ),
            None,
        )

    def _edit(self, method: str, body: dict[str, Any]) -> Answer:
        found = self._find(body)
        if found is None:
            return _error(400, "Bad Request: message to edit not found")
        if not body.get("text"):
            return _error(400, "Bad Request: message text is empty")
        if found.get("text") == body["text"] and "reply_markup" not in body:
            return _error(400, "Bad Request: message is not modified")
        found["text"] = body["text"]
        message = self._message(str(body["chat_id"]), text=body["text"], edit_date=1765000100)
        message["message_id"] = found["message_id"]
        return Answer(200, {"ok": True, "result": message})

    def _delete(self, method: str, body: dict[str, Any]) -> Answer:
        found = self._find(body)
        if found is None:
            return _error(400, "Bad Request: message to delete not found")
        self.messages.remove(found)
        self.deleted.append((str(body["chat_id"]), int(body["message_id"])))
        return Answer(200, {"ok": True, "result": True})

    def _chat_action(self, method: str, body: dict[str, Any]) -> Answer:
        if body.get("action") not in ("typing", "upload_photo", "record_voice", "upload_document"):
            return _error(400, "Bad Request: wrong parameter action in request")
        self.actions.append((str(body["chat_id"]), body["action"]))
        return Answer(200, {"ok": True, "result": True})

    def _get_chat(self, method: str, body: dict[str, Any]) -> Answer:
        chat_id = str(body["chat_id"])
        chat = {"id": int(chat_id), "type": "private", "first_name": "Ada", "username": "ada"}
        return Answer(200, {"ok": True, "result": chat})

    def _get_file(self, method: str, body: dict[str, Any]) -> Answer:
        found = self.files.get(str(body.get("file_id")))
        if found is None:
            return _error(400, "Bad Request: invalid file_id")
        path, data = found
        result = {
            "file_id": body["file_id"],
            "file_unique_id": "AgADBQAD",
            "file_size": len(data),
            "file_path": path,
        }
        return Answer(200, {"ok": True, "result": result})

    def _file(self, request: Received) -> Answer:
        parts = request.path.split("/", 3)  # "", "file", "bot<token>", "<file_path>"
        token = parts[2].removeprefix("bot") if len(parts) == 4 else ""
        for stored_path, data in self.files.values():
            if token in self.tokens and parts[3] == stored_path:
                return Answer(200, data, {"Content-Type": "application/octet-stream"})
        return Answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})


def _error(code: int, description: str, **parameters: Any) -> Answer:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Answer(code, body)
