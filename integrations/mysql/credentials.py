"""MySQL's credential: where the server is, who to log in as, the password (secret) and how
TLS is used."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator

from integrations.postgres.credentials import HOST
from integrations.service import CredentialFields


class Connection(CredentialFields):
    kind = "mysql"
    label = "MySQL connection"

    password: SecretStr | None = Field(
        None, description="The user's password (empty for a user without one)."
    )
    host: str = Field(
        min_length=1,
        max_length=253,
        description="The server's host name or IP address, e.g. db.example.com.",
    )
    port: int = Field(3306, ge=1, le=65535, description="The server's port (3306 by default).")
    database: str = Field(min_length=1, max_length=64, description="The database to use.")
    username: str = Field(min_length=1, max_length=80, description="The user to log in as.")
    ssl_mode: Literal["disabled", "preferred", "required", "verify_ca", "verify_identity"] = Field(
        "preferred",
        description="TLS: preferred (if the server offers it), required (always, without "
        "checking the certificate), verify_ca (certificate checked), verify_identity (checked "
        "against the host name too) or disabled.",
    )
    ca_certificate: str | None = Field(
        None,
        description="For verify_ca and verify_identity: the PEM certificate of the authority "
        "that signed the server's (empty: the system's authorities).",
    )

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        if not HOST.match(value):
            raise ValueError("must be a host name or an IP address")
        return value.strip("[]")

    @field_validator("ca_certificate")
    @classmethod
    def _pem(cls, value: str | None) -> str | None:
        if value and "-----BEGIN CERTIFICATE-----" not in value:
            raise ValueError("must be a PEM certificate (-----BEGIN CERTIFICATE----- ...)")
        return value or None
