"""A fake SMTP server (aiosmtpd) on 127.0.0.1: EHLO, AUTH PLAIN/LOGIN against one user (no TLS
needed, so tests can read the session), MAIL, RCPT and DATA, keeping every message it took.
`refuse` makes RCPT refuse given recipients; `script` answers the next MAIL or DATA with a
given reply (a 4xx or 5xx)."""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

USERNAME = "mailer@acme.test"
PASSWORD = "smtp-Pa55word-Fake-91"


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    raw: bytes


class FakeSMTP:
    def __init__(self, *, auth: bool = True) -> None:
        self.users = {USERNAME: PASSWORD} if auth else {}
        self.messages: list[Received] = []
        self.logins: list[tuple[str, str]] = []  # what was tried, right or wrong
        self.refused: dict[str, str] = {}
        self.mail_replies: list[str] = []
        self.data_replies: list[str] = []
        self.port = _free_port()
        self.controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            server_hostname="fake-smtp.test",
            authenticator=self._authenticate if auth else None,
            auth_require_tls=False,
        )
        self.controller.start()
        self.stopped = False

    def script(self, *, mail: str | None = None, data: str | None = None) -> None:
        """The next MAIL FROM (or DATA) gets this reply instead of 250."""
        if mail:
            self.mail_replies.append(mail)
        if data:
            self.data_replies.append(data)

    def refuse(self, address: str, reply: str = "550 5.1.1 No such user here") -> None:
        self.refused[address] = reply

    def close(self) -> None:
        if not self.stopped:
            self.controller.stop()
            self.stopped = True

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = data.login.decode(), data.password.decode()
        self.logins.append((login, password))
        # handled=False: aiosmtpd answers a failure with 535 itself.
        return AuthResult(success=self.users.get(login) == password, handled=False)

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if self.mail_replies:
            return self.mail_replies.pop(0)
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data_replies:
            return self.data_replies.pop(0)
        raw = envelope.original_content or b""
        self.messages.append(
            Received(
                str(envelope.mail_from),
                list(envelope.rcpt_tos),
                email.message_from_bytes(raw, policy=email.policy.default),
                raw,
            )
        )
        return "250 2.0.0 Ok: queued as FAKE42"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
