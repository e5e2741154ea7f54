"""A fake Slack: the Web API under `/api/<method>` (bearer token, users' profiles, `{"ok": false, "error": ...}`
answered with HTTP 200, as Slack does), the external file upload flow (an upload URL on this
server) and incoming webhooks under `/services/...` (text answers: `ok`, or an error code with
a 4xx status)."""

from __future__ import annotations

import itertools
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from tests.fakes import Answer, FakeService, Received

BOT_TOKEN = "xoxb-1111-2222-fakeBotToken"
USER_TOKEN = "xoxp-1111-3333-fakeUserToken"  # search.messages takes a user's token only
WEBHOOK_PATH = "/services/T0001/B0001/fakeWebhookSecret42"


@dataclass
class Posted:
    channel: str
    text: str
    ts: str
    blocks: Any = None
    thread_ts: str | None = None
    attachments: Any = None


@dataclass
class Upload:
    file_id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str = ""
    channels: list[str] = field(default_factory=list)


class FakeSlack(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.tokens = {BOT_TOKEN, USER_TOKEN}
        self.webhooks = {WEBHOOK_PATH}
        self.messages: list[Posted] = []
        self.webhook_messages: list[dict[str, Any]] = []
        self.uploads: dict[str, Upload] = {}
        self._ids = itertools.count(1)
        # users.profile.*: each token acts as its user; an admin may name another user.
        self.profiles: dict[str, dict[str, Any]] = {
            "U0001": {"real_name": "WorkFuse", "status_text": "", "status_emoji": ""},
            "U0003": {"real_name": "Ada Lovelace", "first_name": "Ada", "status_text": ""},
        }
        self.team_fields = {"Xf0001": "Department"}

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"

    @property
    def webhook_url(self) -> str:
        return f"{self.url}{WEBHOOK_PATH}"

    def respond(self, request: Received) -> Answer:
        if request.path.startswith("/services/"):
            return self._webhook(request)
        if request.path.startswith("/upload/"):
            return self._upload_bytes(request)
        if not request.path.startswith("/api/"):
            return Answer(404, "not found")
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if not token:
            return _error("not_authed")
        if token not in self.tokens:
            return _error("invalid_auth")
        method = request.path.removeprefix("/api/")
        if method == "search.messages":
            return self._search(request, token)
        if method.startswith("users.profile."):
            return self._profile(request, method, token)
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        return handler(request) if handler else _error("unknown_method")

    # --- Web API methods ---------------------------------------------------------------------

    def _auth_test(self, request: Received) -> Answer:
        return _ok(
            url="https://acme.slack.com/",
            team="Acme",
            user="workfuse",
            team_id="T0001",
            user_id="U0001",
            bot_id="B0001",
        )

    def _chat_postMessage(self, request: Received) -> Answer:
        body = _json_body(request)
        if body is None:
            return _error("invalid_json")
        channel = _channel_id(body.get("channel"))
        if channel is None:
            return _error("channel_not_found")
        if not body.get("text") and not body.get("blocks") and not body.get("attachments"):
            return _error("no_text")
        attachments = body.get("attachments")
        if attachments is not None and not (
            isinstance(attachments, list) and all(isinstance(a, dict) for a in attachments)
        ):
            return _error("invalid_attachments")
        ts = f"{1700000000 + next(self._ids)}.000100"
        posted = Posted(
            channel,
            body.get("text", ""),
            ts,
            body.get("blocks"),
            body.get("thread_ts"),
            attachments,
        )
        self.messages.append(posted)
        return _ok(channel=channel, ts=ts, message=_message(posted))

    def _chat_update(self, request: Received) -> Answer:
        body = _json_body(request) or {}
        channel = _channel_id(body.get("channel"))
        found = [m for m in self.messages if m.channel == channel and m.ts == body.get("ts")]
        if not found:
            return _error("message_not_found")
        found[0].text, found[0].blocks = body.get("text", ""), body.get("blocks")
        return _ok(channel=channel, ts=found[0].ts, text=found[0].text, message=_message(found[0]))

    def _chat_delete(self, request: Received) -> Answer:
        body = _json_body(request) or {}
        channel = _channel_id(body.get("channel"))
        found = [m for m in self.messages if m.channel == channel and m.ts == body.get("ts")]
        if not found:
            return _error("message_not_found")
        self.messages.remove(found[0])
        return _ok(channel=channel, ts=found[0].ts)

    def _search(self, request: Received, token: str) -> Answer:
        if not token.startswith("xoxp-"):
            return _error("not_allowed_token_type")
        form = request.form
        if not form.get("query"):
            return _error("no_query")
        words = form["query"].lower().split()
        found = [m for m in self.messages if all(w in m.text.lower() for w in words)]
        if form.get("sort", "score") == "timestamp":
            found.sort(key=lambda m: m.ts, reverse=form.get("sort_dir", "desc") == "desc")
        count = int(form.get("count", "20"))
        matches = [
            {
                "type": "message",
                "channel": {"id": m.channel, "name": "general"},
                "text": m.text,
                "ts": m.ts,
                "permalink": f"https://acme.slack.com/archives/{m.channel}/p{m.ts.replace('.', '')}",
            }
            for m in found[:count]
        ]
        paging = {"count": count, "total": len(found), "page": 1, "pages": 1}
        return _ok(
            query=form["query"],
            messages={"total": len(found), "matches": matches, "paging": paging},
        )

    def _profile(self, request: Received, method: str, token: str) -> Answer:
        own = "U0003" if token == USER_TOKEN else "U0001"
        if method == "users.profile.get":
            form = request.form  # Slack reads this method's arguments as form fields
            user = form.get("user") or own
            if user not in self.profiles:
                return _error("user_not_found")
            profile = dict(self.profiles[user])
            fields = profile.get("fields") or {}
            if form.get("include_labels") == "true" and fields:
                profile["fields"] = {
                    key: {**value, "label": self.team_fields[key]} for key, value in fields.items()
                }
            return _ok(profile=profile)
        if method != "users.profile.set":
            return _error("unknown_method")
        if token != USER_TOKEN:  # a bot cannot change profiles
            return _error("not_allowed_token_type")
        body = _json_body(request)
        if body is None or not isinstance(body.get("profile"), dict):
            return _error("invalid_profile")
        user = body.get("user") or own
        if user != own:
            return _error("not_admin")
        changes = body["profile"]
        unknown = [key for key in changes.get("fields") or {} if key not in self.team_fields]
        if unknown:
            return _error("invalid_profile")
        self.profiles[user].update(changes)
        return _ok(profile=self.profiles[user], username="ada")

    def _files_getUploadURLExternal(self, request: Received) -> Answer:
        form = request.form  # this method takes form fields only
        if not form.get("filename") or not form.get("length", "").isdigit():
            return _error("invalid_arguments")
        file_id = f"F{next(self._ids):08d}"
        self.uploads[file_id] = Upload(file_id, form["filename"], int(form["length"]))
        return _ok(upload_url=f"{self.url}/upload/v1/{file_id}", file_id=file_id)

    def _upload_bytes(self, request: Received) -> Answer:
        upload = self.uploads.get(request.path.rsplit("/", 1)[-1])
        if request.method != "POST" or upload is None:
            return Answer(404, "not found")
        upload.content = request.body
        return Answer(200, f"OK - {len(request.body)}")

    def _files_completeUploadExternal(self, request: Received) -> Answer:
        form = request.form
        try:
            files = json.loads(form.get("files", ""))
        except ValueError:
            return _error("invalid_arguments")
        done = []
        for entry in files:
            upload = self.uploads.get(entry.get("id", ""))
            if upload is None or upload.content is None or len(upload.content) != upload.length:
                return _error("file_not_found")
            upload.title = entry.get("title", upload.filename)
            upload.channels = [c for c in form.get("channels", "").split(",") if c]
            done.append({"id": upload.file_id, "title": upload.title})
        return _ok(files=done)

    # --- incoming webhooks ---------------------------------------------------------------------

    def _webhook(self, request: Received) -> Answer:
        if request.path not in self.webhooks:
            return Answer(404, "no_service")
        try:
            body = json.loads(request.body or b"null")
        except ValueError:
            return Answer(400, "invalid_payload")
        if not isinstance(body, dict):
            return Answer(400, "invalid_payload")
        if not body.get("text") and not body.get("blocks"):
            return Answer(400, "no_text")
        self.webhook_messages.append(body)
        return Answer(200, "ok")


def _ok(**fields: Any) -> Answer:
    return Answer(200, {"ok": True, **fields})


def _error(code: str) -> Answer:
    return Answer(200, {"ok": False, "error": code})


def _json_body(request: Received) -> dict[str, Any] | None:
    if not request.headers.get("content-type", "").startswith("application/json"):
        return None
    body = request.json
    return body if isinstance(body, dict) else None


def _channel_id(channel: Any) -> str | None:
    """Slack answers with the channel's id; a name resolves to a made-up id, C_MISSING to none."""
    if not isinstance(channel, str) or not channel or channel == "C_MISSING":
        return None
    return f"C{zlib.crc32(channel.encode()) % 10**8:08d}" if channel.startswith("#") else channel


def _message(posted: Posted) -> dict[str, Any]:
    message = {"type": "message", "text": posted.text, "ts": posted.ts, "bot_id": "B0001"}
    if posted.blocks:
        message["blocks"] = posted.blocks
    if posted.thread_ts:
        message["thread_ts"] = posted.thread_ts
    if posted.attachments:
        message["attachments"] = posted.attachments
    return message
