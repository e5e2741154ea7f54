"""The email integration's credential: an SMTP server to send through, and who sends."""

from __future__ import annotations

import re
from typing import Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator

from integrations.addresses import address
from integrations.operations import field_errors
from integrations.service import CredentialFields

HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)$")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class SmtpServer(CredentialFields):
    kind = "email"
    label = "SMTP server"

    password: SecretStr | None = Field(
        None,
        description="The password (or app password) for the user name; empty when the server "
        "takes mail without logging in.",
    )
    host: str = Field(
        description="The SMTP server's name, e.g. smtp.gmail.com or email-smtp.eu-west-1."
        "amazonaws.com.",
        examples=["smtp.example.com"],
    )
    port: int | None = Field(
        None,
        ge=1,
        le=65535,
        description="Empty for the usual port of the security chosen: 587 (starttls), 465 "
        "(ssl) or 25 (none).",
    )
    security: Literal["starttls", "ssl", "none"] = Field(
        "starttls",
        description="starttls: connect, then upgrade to TLS (port 587, most servers). ssl: TLS "
        "from the start (port 465). none: no encryption (only for a relay on a trusted "
        "network).",
    )
    username: str = Field(
        "",
        description="The user name to log in with (often the email address); empty for none.",
        examples=["workfuse@example.com"],
    )
    from_address: str = Field(
        description="Who the emails are from: an address, or a name and address "
        "('Acme Orders <orders@example.com>'). The server must allow it for the user.",
        examples=["WorkFuse <workfuse@example.com>"],
    )

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        if not HOST.match(value):
            raise ValueError("must be a server name or address, without smtp:// or a port")
        return value

    @field_validator("from_address", mode="before")
    @classmethod
    def _from(cls, value: object) -> str:
        if not value:
            raise ValueError("Enter the address the emails are from.")
        return address(value)

    @model_validator(mode="after")
    def _login(self) -> Self:
        if self.password is not None and self.password.get_secret_value() and not self.username:
            raise field_errors(self, {"username": "Needed with a password."})
        if self.username and not (self.password and self.password.get_secret_value()):
            raise field_errors(self, {"password": "Needed with a user name."})
        return self

    @property
    def port_number(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]
