"""An IMAP4rev1 server on 127.0.0.1, over plain TCP, speaking enough of RFC 3501 for the real
imaplib client: CAPABILITY, LOGIN, SELECT/EXAMINE (EXISTS, UIDVALIDITY), UID SEARCH (ALL,
SEEN, UNSEEN, FROM, SUBJECT, UID), UID FETCH (UID, FLAGS, RFC822.SIZE, BODY.PEEK[],
BODY.PEEK[HEADER], and BODY[] / RFC822, which mark the message seen as a real server does),
UID STORE +FLAGS, NOOP and LOGOUT. It records every login and every command line."""

from __future__ import annotations

import re
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

TOKEN = re.compile(rb'"((?:[^"\\]|\\.)*)"|(\()|(\))|([^\s()]+)')
UIDVALIDITY = 7
USER = "ada@example.com"
PASSWORD = "app-pass-7731"


@dataclass
class Stored:
    uid: int
    data: bytes
    flags: set[str] = field(default_factory=set)


def message(
    subject: str = "Invoice 42",
    sender: str = "Bob <bob@example.com>",
    to: str = "ada@example.com",
    text: str = "Hello Ada,\nthe invoice is attached.",
    html: str = "",
    attachments: tuple[tuple[str, str, bytes], ...] = (),
    headers: dict[str, str] | None = None,
) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail["Date"] = "Tue, 01 Dec 2026 10:00:00 +0000"
    mail["Message-ID"] = f"<{abs(hash(subject))}@example.com>"
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(text)
    if html:
        mail.add_alternative(html, subtype="html")
    for filename, kind, content in attachments:
        main, _, sub = kind.partition("/")
        mail.add_attachment(content, maintype=main, subtype=sub, filename=filename)
    return mail.as_bytes()


def _tokens(line: bytes) -> list[Any]:
    """The arguments as a nested list: atoms and quoted strings as text, (...) as lists."""
    stack: list[list[Any]] = [[]]
    for quoted, opening, closing, atom in TOKEN.findall(line):
        if opening:
            stack.append([])
        elif closing:
            done = stack.pop()
            stack[-1].append(done)
        elif atom:
            stack[-1].append(atom.decode())
        else:
            stack[-1].append(re.sub(rb"\\(.)", rb"\1", quoted).decode())
    return stack[0]


class FakeImap:
    def __init__(self) -> None:
        self.user, self.password = USER, PASSWORD
        self.accept_any_password = False
        # Careless: every other login is refused with the login echoed (secret canary tests).
        self.careless = False
        self.sent: list[str] = []  # each login as "user password"
        self.mailboxes: dict[str, list[Stored]] = {"INBOX": [], "Archive": []}
        self.logins: list[tuple[str, str]] = []
        self.commands: list[str] = []
        self._next_uid = 100
        self._lock = threading.Lock()
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                fake._session(self)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def deliver(self, data: bytes, mailbox: str = "INBOX", seen: bool = False) -> int:
        with self._lock:
            self._next_uid += 1
            stored = Stored(self._next_uid, data, {"\\Seen"} if seen else set())
            self.mailboxes[mailbox].append(stored)
            return stored.uid

    def seen(self, uid: int, mailbox: str = "INBOX") -> bool:
        return any(m.uid == uid and "\\Seen" in m.flags for m in self.mailboxes[mailbox])

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- the protocol ---------------------------------------------------------------------

    def _session(self, io: socketserver.StreamRequestHandler) -> None:
        def send(text: str | bytes) -> None:
            io.wfile.write(text if isinstance(text, bytes) else text.encode() + b"\r\n")

        send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Fake IMAP ready")
        state: dict[str, Any] = {"user": None, "box": None}
        while True:
            line = io.rfile.readline()
            if not line:
                return
            tag, _, rest = line.rstrip(b"\r\n").partition(b" ")
            command, _, args = rest.partition(b" ")
            name = command.decode().upper()
            if name == "UID":
                sub, _, args = args.partition(b" ")
                name = f"UID {sub.decode().upper()}"
            self.commands.append(name if name == "LOGIN" else line.decode().strip())
            reply = self._command(name, _tokens(args), state, send)
            send(f"{tag.decode()} {reply}")
            if name == "LOGOUT":
                return

    def _command(self, name: str, args: list[Any], state: dict[str, Any], send: Any) -> str:
        if name == "CAPABILITY":
            send("* CAPABILITY IMAP4rev1 AUTH=PLAIN")
            return "OK CAPABILITY completed"
        if name == "NOOP":
            return "OK NOOP completed"
        if name == "LOGOUT":
            send("* BYE Fake IMAP logging out")
            return "OK LOGOUT completed"
        if name == "LOGIN":
            user, password = (str(a) for a in args[:2])
            self.logins.append((user, password))
            self.sent.append(f"{user} {password}")
            if self.careless and len(self.logins) % 2:
                return f"NO [AUTHENTICATIONFAILED] Invalid credentials {user} {password}"
            if user == self.user and (self.accept_any_password or password == self.password):
                state["user"] = user
                return "OK LOGIN completed"
            return "NO [AUTHENTICATIONFAILED] Invalid credentials"
        if state["user"] is None:
            return "BAD Log in first"
        if name in ("SELECT", "EXAMINE"):
            chosen = str(args[0]) if args else ""
            if chosen not in self.mailboxes:
                state["box"] = None
                return "NO [NONEXISTENT] Unknown Mailbox"
            state["box"] = chosen
            send(f"* {len(self.mailboxes[chosen])} EXISTS")
            send("* 0 RECENT")
            send(f"* OK [UIDVALIDITY {UIDVALIDITY}] UIDs valid")
            send("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)")
            mode = "READ-ONLY" if name == "EXAMINE" else "READ-WRITE"
            return f"OK [{mode}] {name} completed"
        if state["box"] is None:
            return "BAD Select a mailbox first"
        box = self.mailboxes[state["box"]]
        if name == "UID SEARCH":
            found = [m.uid for m in box if self._matches(m, args)]
            send("* SEARCH" + "".join(f" {uid}" for uid in found))
            return "OK SEARCH completed"
        if name == "UID FETCH":
            for stored in self._in_set(box, str(args[0])):
                items = args[1] if isinstance(args[1], list) else args[1:]
                send(self._fetch_line(box, stored, [str(i).upper() for i in items]))
            return "OK FETCH completed"
        if name == "UID STORE":
            for stored in self._in_set(box, str(args[0])):
                flags = args[2] if isinstance(args[2], list) else args[2:]
                stored.flags |= {str(f) for f in flags}
                send(
                    f"* {box.index(stored) + 1} FETCH (UID {stored.uid} FLAGS "
                    f"({' '.join(sorted(stored.flags))}))"
                )
            return "OK STORE completed"
        return f"BAD Unknown command {name}"

    def _fetch_line(self, box: list[Stored], stored: Stored, items: list[str]) -> bytes:
        parts = [f"UID {stored.uid}".encode()]
        for item in items:
            if item == "RFC822.SIZE":
                parts.append(f"RFC822.SIZE {len(stored.data)}".encode())
            elif item == "FLAGS":
                parts.append(f"FLAGS ({' '.join(sorted(stored.flags))})".encode())
            elif item in ("BODY.PEEK[]", "BODY[]", "RFC822"):
                if item != "BODY.PEEK[]":
                    stored.flags.add("\\Seen")
                label = "RFC822" if item == "RFC822" else "BODY[]"
                parts.append(f"{label} {{{len(stored.data)}}}\r\n".encode() + stored.data)
            elif item == "BODY.PEEK[HEADER]":
                header = stored.data.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
                parts.append(f"BODY[HEADER] {{{len(header)}}}\r\n".encode() + header)
        seq = box.index(stored) + 1
        return f"* {seq} FETCH (".encode() + b" ".join(parts) + b")\r\n"

    def _in_set(self, box: list[Stored], uid_set: str) -> list[Stored]:
        wanted: set[int] = set()
        top = max((m.uid for m in box), default=0)
        for piece in uid_set.split(","):
            low, _, high = piece.partition(":")
            first = top if low == "*" else int(low)
            last = first if not high else (top if high == "*" else int(high))
            wanted |= set(range(min(first, last), max(first, last) + 1))
        return [m for m in box if m.uid in wanted]

    def _matches(self, stored: Stored, criteria: list[Any]) -> bool:
        text = stored.data.decode(errors="replace").lower()
        head = text.split("\r\n\r\n", 1)[0]
        index = 0
        while index < len(criteria):
            key = str(criteria[index]).upper()
            index += 1
            if key == "ALL":
                continue
            if key in ("SEEN", "UNSEEN"):
                if ("\\Seen" in stored.flags) != (key == "SEEN"):
                    return False
            elif key in ("FROM", "SUBJECT"):
                value = str(criteria[index]).lower()
                index += 1
                lines = [ln for ln in head.splitlines() if ln.startswith(key.lower() + ":")]
                if not any(value in ln for ln in lines):
                    return False
            elif key == "UID":
                allowed = self._in_set([stored], str(criteria[index]))
                index += 1
                if not allowed:
                    return False
            else:
                raise ValueError(f"the fake does not search by {key}")
        return True
