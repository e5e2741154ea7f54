"""A fake Google for Gmail: the OAuth 2.0 token endpoint's refresh-token grant, and the Gmail API
v1 for one mailbox (users.getProfile; messages list/get/send/modify/trash/delete; drafts
create/list/get;
threads list/get/modify/trash; labels list/get/create) over in-memory messages kept as raw
RFC 822 bytes, with Google's error shapes. Search (`q`) understands from:, to:, subject:, is:,
after:/before: with epoch seconds, has:attachment and plain words, enough for the tests."""

from __future__ import annotations

import base64
import itertools
import re
import secrets
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from tests.fakes import Answer, FakeService, Received

CLIENT_ID = "1234-workfuse.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-fake-client-secret"
REFRESH_TOKEN = "1//0refresh-token-of-ada"
MAILBOX = "ada@acme.test"
SYSTEM_LABELS = ("INBOX", "SENT", "DRAFT", "UNREAD", "STARRED", "IMPORTANT", "TRASH", "SPAM")
PREFIX = "/gmail/v1/users/me/"


def google_error(code: int, status: str, message: str, reason: str = "") -> Answer:
    errors = [{"message": message, "domain": "global", "reason": reason or status.lower()}]
    error = {"code": code, "message": message, "errors": errors, "status": status}
    return Answer(code, {"error": error})


def not_found() -> Answer:
    return google_error(404, "NOT_FOUND", "Requested entity was not found.", "notFound")


@dataclass
class Stored:
    id: str
    thread_id: str
    raw: bytes
    label_ids: list[str]
    internal_date: int

    @property
    def mail(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.raw)  # type: ignore[return-value]


class FakeGmail(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.messages: dict[str, Stored] = {}
        self.labels: dict[str, dict[str, Any]] = {}
        self.tokens: set[str] = set()
        self.sent: list[Stored] = []
        self.drafts: dict[str, str] = {}  # draft id -> its message's id
        self._ids = itertools.count(0x18C0000000000001)
        for name in SYSTEM_LABELS:
            self.labels[name] = {"id": name, "name": name, "type": "system"}

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    # --- building the mailbox ------------------------------------------------------------------

    def deliver(
        self, raw: bytes, labels: tuple[str, ...] = ("INBOX", "UNREAD"), thread: str = ""
    ) -> str:
        ident = f"{next(self._ids):x}"
        when = 1_767_000_000_000 + len(self.messages) * 60_000
        self.messages[ident] = Stored(ident, thread or ident, raw, list(labels), when)
        return ident

    def draft(self, raw: bytes) -> str:
        """A draft in the mailbox (as the Gmail web app saves one); its draft id."""
        ident = self.deliver(raw, ("DRAFT",))
        self.drafts[f"r-{ident}"] = ident
        return f"r-{ident}"

    def add_label(self, name: str) -> str:
        ident = f"Label_{len(self.labels) + 100}"
        self.labels[ident] = {"id": ident, "name": name, "type": "user"}
        return ident

    # --- the API ---------------------------------------------------------------------------------

    def respond(self, request: Received) -> Answer:
        if request.path == "/token":
            return self._token(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return google_error(
                401,
                "UNAUTHENTICATED",
                "Request had invalid authentication credentials.",
                "authError",
            )
        if not request.path.startswith(PREFIX):
            return not_found()
        path = request.path[len(PREFIX) :].split("/")
        method = request.method
        if path == ["profile"]:
            total = len(self.messages)
            return Answer(
                200,
                {
                    "emailAddress": MAILBOX,
                    "messagesTotal": total,
                    "threadsTotal": total,
                    "historyId": "9001",
                },
            )
        if path[0] == "labels":
            return self._labels(method, path, request)
        if path[0] == "drafts" and method == "POST":
            draft = request.json["message"]
            stored = self._store(draft, ["DRAFT"])
            self.drafts[f"r-{stored.id}"] = stored.id
            return Answer(200, {"id": f"r-{stored.id}", "message": self._minimal(stored)})
        if path[0] == "drafts" and method == "GET":
            return self._drafts(path, request)
        if path[0] == "messages":
            return self._messages(method, path, request)
        if path[0] == "threads":
            return self._threads(method, path, request)
        return not_found()

    def _drafts(self, path: list[str], request: Received) -> Answer:
        """drafts.list: {drafts: [{id, message: {id, threadId}}], resultSizeEstimate,
        nextPageToken?}; drafts.get: {id, message} in the asked format."""
        if len(path) == 2:
            stored = self.messages.get(self.drafts.get(path[1], ""))
            if stored is None:
                return not_found()
            return Answer(200, {"id": path[1], "message": self._formatted(stored, request)})
        drafts = [
            (draft, self.messages[ident])
            for draft, ident in self.drafts.items()
            if ident in self.messages and self._matches(self.messages[ident], request)
        ]
        drafts.sort(key=lambda pair: pair[1].internal_date, reverse=True)
        size = int((request.query.get("maxResults") or ["100"])[-1])
        start = int((request.query.get("pageToken") or ["0"])[-1])
        page = [
            {"id": draft, "message": {"id": m.id, "threadId": m.thread_id}}
            for draft, m in drafts[start : start + size]
        ]
        body: dict[str, Any] = {"resultSizeEstimate": len(drafts)}
        if page:
            body["drafts"] = page
        if start + size < len(drafts):
            body["nextPageToken"] = str(start + size)
        return Answer(200, body)

    def _token(self, request: Received) -> Answer:
        form = request.form
        if form.get("grant_type") != "refresh_token":
            return Answer(
                400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type"}
            )
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return Answer(401, {"error": "invalid_client", "error_description": "Unauthorized"})
        if form.get("refresh_token") != REFRESH_TOKEN:
            return Answer(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                },
            )
        token = "ya29." + secrets.token_urlsafe(16)
        self.tokens.add(token)
        scope = "https://www.googleapis.com/auth/gmail.modify"
        return Answer(
            200, {"access_token": token, "expires_in": 3599, "scope": scope, "token_type": "Bearer"}
        )

    def _store(self, body: dict[str, Any], labels: list[str]) -> Stored:
        raw = base64.urlsafe_b64decode(str(body["raw"]) + "=" * (-len(str(body["raw"])) % 4))
        ident = f"{next(self._ids):x}"
        stored = Stored(ident, str(body.get("threadId") or ident), raw, labels, 1_767_100_000_000)
        self.messages[ident] = stored
        return stored

    def _minimal(self, stored: Stored) -> dict[str, Any]:
        return {"id": stored.id, "threadId": stored.thread_id, "labelIds": list(stored.label_ids)}

    def _messages(self, method: str, path: list[str], request: Received) -> Answer:
        if path == ["messages"] and method == "GET":
            return self._list(request, threads=False)
        if path == ["messages", "send"] and method == "POST":
            body = request.json
            if not body or not body.get("raw"):
                return google_error(
                    400, "INVALID_ARGUMENT", "Recipient address required", "invalidArgument"
                )
            stored = self._store(body, ["SENT"])
            self.sent.append(stored)
            return Answer(200, self._minimal(stored))
        stored = self.messages.get(path[1]) if len(path) > 1 else None
        if stored is None:
            if len(path) > 1 and not re.fullmatch(r"[0-9a-f]+", path[1]):
                return google_error(400, "INVALID_ARGUMENT", "Invalid id value", "invalidArgument")
            return not_found()
        if len(path) == 2 and method == "GET":
            return Answer(200, self._formatted(stored, request))
        if len(path) == 2 and method == "DELETE":
            del self.messages[stored.id]
            return Answer(204)
        if path[2:] == ["modify"] and method == "POST":
            self._modify(stored, request.json)
            return Answer(200, self._minimal(stored))
        if path[2:] == ["trash"] and method == "POST":
            stored.label_ids = [i for i in stored.label_ids if i != "INBOX"] + ["TRASH"]
            return Answer(200, self._minimal(stored))
        return not_found()

    def _modify(self, stored: Stored, body: dict[str, Any]) -> None:
        for label in body.get("addLabelIds") or []:
            if label not in stored.label_ids:
                stored.label_ids.append(label)
        remove = set(body.get("removeLabelIds") or [])
        stored.label_ids = [i for i in stored.label_ids if i not in remove]

    def _formatted(self, stored: Stored, request: Received) -> dict[str, Any]:
        fmt = (request.query.get("format") or ["full"])[-1]
        mail = stored.mail
        body = mail.get_body(("plain", "html"))
        text = str(body.get_content()) if body is not None else ""
        out = {
            **self._minimal(stored),
            "snippet": " ".join(re.sub(r"<[^>]+>", " ", text).split())[:100],
            "sizeEstimate": len(stored.raw),
            "historyId": "9001",
            "internalDate": str(stored.internal_date),
        }
        if fmt == "raw":
            out["raw"] = base64.urlsafe_b64encode(stored.raw).decode()
            return out
        wanted = {h.lower() for h in request.query.get("metadataHeaders") or []}
        headers = [
            {"name": name, "value": str(value)}
            for name, value in mail.items()
            if fmt != "metadata" or not wanted or name.lower() in wanted
        ]
        out["payload"] = {
            "partId": "",
            "mimeType": mail.get_content_type(),
            "filename": "",
            "headers": headers,
        }
        return out

    def _matches(self, stored: Stored, request: Received) -> bool:
        wanted = request.query.get("labelIds") or []
        if not all(label in stored.label_ids for label in wanted):
            return False
        spam = (request.query.get("includeSpamTrash") or ["false"])[-1] == "true"
        if not spam and {"SPAM", "TRASH"} & set(stored.label_ids):
            return False
        mail = stored.mail
        for term in (request.query.get("q") or [""])[-1].split():
            key, _, value = term.partition(":")
            if key in ("from", "to", "subject") and value:
                if value.lower() not in str(mail.get(key, "")).lower():
                    return False
            elif key in ("after", "before") and value.isdigit():
                seconds = stored.internal_date // 1000
                if (seconds > int(value)) != (key == "after") or seconds == int(value):
                    return False
            elif key == "is" and value in ("read", "unread"):
                if ("UNREAD" in stored.label_ids) != (value == "unread"):
                    return False
            elif term == "has:attachment":
                if not any(p.get_content_disposition() == "attachment" for p in mail.walk()):
                    return False
            elif term.lower() not in stored.raw.decode(errors="replace").lower():
                return False
        return True

    def _list(self, request: Received, threads: bool) -> Answer:
        found = [m for m in self.messages.values() if self._matches(m, request)]
        found.sort(key=lambda m: m.internal_date, reverse=True)
        if threads:
            seen: dict[str, Stored] = {}
            for message in found:
                seen.setdefault(message.thread_id, message)
            found = list(seen.values())
        size = int((request.query.get("maxResults") or ["100"])[-1])
        start = int((request.query.get("pageToken") or ["0"])[-1])
        page = found[start : start + size]
        key = "threads" if threads else "messages"
        if threads:
            entries = [{"id": m.thread_id, "snippet": "", "historyId": "9001"} for m in page]
        else:
            entries = [{"id": m.id, "threadId": m.thread_id} for m in page]
        body: dict[str, Any] = {"resultSizeEstimate": len(found)}
        if entries:
            body[key] = entries
        if start + size < len(found):
            body["nextPageToken"] = str(start + size)
        return Answer(200, body)

    def _threads(self, method: str, path: list[str], request: Received) -> Answer:
        if path == ["threads"] and method == "GET":
            return self._list(request, threads=True)
        members = [m for m in self.messages.values() if len(path) > 1 and m.thread_id == path[1]]
        if not members:
            return not_found()
        if len(path) == 2 and method == "GET":
            formatted = [self._formatted(m, request) for m in members]
            return Answer(200, {"id": path[1], "historyId": "9001", "messages": formatted})
        if path[2:] == ["modify"] and method == "POST":
            for member in members:
                self._modify(member, request.json)
            return Answer(
                200,
                {
                    "id": path[1],
                    "historyId": "9001",
                    "messages": [self._minimal(m) for m in members],
                },
            )
        if path[2:] == ["trash"] and method == "POST":
            for member in members:
                member.label_ids = [i for i in member.label_ids if i != "INBOX"] + ["TRASH"]
            return Answer(
                200,
                {
                    "id": path[1],
                    "historyId": "9001",
                    "messages": [self._minimal(m) for m in members],
                },
            )
        return not_found()

    def _labels(self, method: str, path: list[str], request: Received) -> Answer:
        if path == ["labels"] and method == "GET":
            return Answer(200, {"labels": list(self.labels.values())})
        if path == ["labels"] and method == "POST":
            name = str(request.json.get("name") or "")
            if any(label["name"].lower() == name.lower() for label in self.labels.values()):
                return google_error(409, "ABORTED", "Label name exists or conflicts", "duplicate")
            ident = self.add_label(name)
            label = self.labels[ident]
            label.update({k: v for k, v in request.json.items() if k != "name"})
            return Answer(200, label)
        label = self.labels.get(path[1]) if len(path) == 2 else None
        if label is None:
            return not_found()
        return Answer(200, label)


def message(
    sender: str = "Bob Stone <bob@example.com>",
    to: str = MAILBOX,
    subject: str = "Invoice 42",
    text: str = "Hello Ada,\n\nthe invoice is attached.\n",
    html: str = "",
    attachment: tuple[str, bytes] | None = None,
    message_id: str = "<m-42@example.com>",
) -> bytes:
    """An email as it arrives (RFC 822 bytes)."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = "Tue, 02 Dec 2025 09:30:00 +0100"
    mail["Message-ID"] = message_id
    mail.set_content(text)
    if html:
        mail.add_alternative(html, subtype="html")
    if attachment:
        mail.add_attachment(
            attachment[1], maintype="application", subtype="pdf", filename=attachment[0]
        )
    return mail.as_bytes(policy=policy.SMTP)
