"""The SSH credential: where the server is, the user, and a password or a private key (with its
passphrase), all three secret. `host_key` (a setting, it is public) pins the server's key."""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, field_validator, model_validator

from integrations.postgres.credentials import HOST
from integrations.service import CredentialFields

KEY_TYPES = ("ssh-", "ecdsa-sha2-", "sk-ssh-", "sk-ecdsa-sha2-")


class Login(CredentialFields):
    kind = "ssh"
    label = "SSH login"

    password: SecretStr | None = Field(
        None, description="The user's password (leave empty when logging in with a key)."
    )
    private_key: SecretStr | None = Field(
        None,
        description="A private key in OpenSSH or PEM form (-----BEGIN OPENSSH PRIVATE KEY-----"
        " …), instead of a password.",
    )
    passphrase: SecretStr | None = Field(
        None, description="The private key's passphrase, when it has one."
    )
    host: str = Field(
        min_length=1,
        max_length=253,
        description="The server's host name or IP address, e.g. server.example.com.",
    )
    port: int = Field(22, ge=1, le=65535, description="The SSH port (22 by default).")
    username: str = Field(min_length=1, max_length=128, description="The user to log in as.")
    host_key: str | None = Field(
        None,
        max_length=16384,
        description="The server's public host key as `ssh-keyscan` prints it (ssh-ed25519 "
        "AAAA…; Test connection shows it). Set, a server offering another key is refused. "
        "Empty: any key is accepted, as n8n does.",
    )

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        if not HOST.match(value):
            raise ValueError("must be a host name or an IP address")
        return value.strip("[]")

    @field_validator("host_key")
    @classmethod
    def _host_key(cls, value: str | None) -> str | None:
        if not value:
            return None
        words = value.split()
        # ssh-keyscan prints "host keytype base64"; a known_hosts line may carry the host too.
        if len(words) >= 3 and not words[0].startswith(KEY_TYPES):
            words = words[1:]
        if len(words) < 2 or not words[0].startswith(KEY_TYPES):
            raise ValueError("must be a public key line such as ssh-ed25519 AAAA…")
        return f"{words[0]} {words[1]}"

    @model_validator(mode="after")
    def _one_way_in(self) -> Self:
        if self.password is None and self.private_key is None:
            raise ValueError("give a password or a private key")
        return self
