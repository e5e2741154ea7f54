"""PostgreSQL's credential: where the server is, who to log in as and the password (secret)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, SecretStr, field_validator

from integrations.service import CredentialFields

HOST = re.compile(r"^[A-Za-z0-9.:\[\]-]+$")  # a name or an address: never a socket path


class Connection(CredentialFields):
    kind = "postgres"
    label = "PostgreSQL connection"

    password: SecretStr = Field(min_length=1, description="The user's password.")
    host: str = Field(
        min_length=1,
        max_length=253,
        description="The server's host name or IP address, e.g. db.example.com.",
    )
    port: int = Field(5432, ge=1, le=65535, description="The server's port (5432 by default).")
    database: str = Field(min_length=1, max_length=63, description="The database to connect to.")
    username: str = Field(min_length=1, max_length=63, description="The user to log in as.")
    sslmode: Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] = Field(
        "prefer",
        description="TLS: prefer (if the server offers it), require (always, without checking "
        "the certificate), verify-full (always, certificate checked against the host name), "
        "disable, allow or verify-ca.",
    )

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        if not HOST.match(value):
            raise ValueError("must be a host name or an IP address")
        return value.strip("[]")
