"""Redis's credential: where the server is, which database, and the login (password secret)."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator

from integrations.postgres.credentials import HOST
from integrations.service import CredentialFields


class Connection(CredentialFields):
    kind = "redis"
    label = "Redis connection"

    password: SecretStr | None = Field(
        None, description="The password (empty for a server without one)."
    )
    host: str = Field(
        min_length=1,
        max_length=253,
        description="The server's host name or IP address, e.g. cache.example.com.",
    )
    port: int = Field(6379, ge=1, le=65535, description="The server's port (6379 by default).")
    database: int = Field(0, ge=0, le=1023, description="The database number (0 by default).")
    username: str | None = Field(
        None, max_length=128, description="The ACL user (empty: the default user)."
    )
    tls: bool = Field(False, description="Connect over TLS.")
    tls_verify: bool = Field(
        True,
        description="With TLS, check the server's certificate against the host name (turn off "
        "only for a server with a self-signed certificate).",
    )

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        if not HOST.match(value):
            raise ValueError("must be a host name or an IP address")
        return value.strip("[]")
