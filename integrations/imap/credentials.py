"""The IMAP credential: a mail server to read from, and the mailbox's login (n8n's `imap`
credential: host, port, user, password, secure)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator

from integrations.email.credentials import HOST
from integrations.service import CredentialFields

DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "none": 143}


class ImapServer(CredentialFields):
    kind = "imap"
    label = "IMAP server"

    password: SecretStr = Field(
        min_length=1,
        description="The mailbox's password (or app password: Gmail, Outlook and iCloud ask for "
        "one when two-step sign-in is on).",
    )
    host: str = Field(
        description="The IMAP server's name, e.g. imap.gmail.com or outlook.office365.com.",
        examples=["imap.example.com"],
    )
    port: int | None = Field(
        None,
        ge=1,
        le=65535,
        description="Empty for the usual port of the security chosen: 993 (ssl) or 143 "
        "(starttls, none).",
    )
    security: Literal["ssl", "starttls", "none"] = Field(
        "ssl",
        description="ssl: TLS from the start (port 993, most servers). starttls: connect, then "
        "upgrade to TLS (port 143). none: no encryption (only on a trusted network).",
    )
    user: str = Field(
        min_length=1,
        description="The user name to log in with (usually the email address).",
        examples=["ada@example.com"],
    )

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        if not HOST.match(value):
            raise ValueError("must be a server name or address, without imap:// or a port")
        return value

    @property
    def port_number(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]
