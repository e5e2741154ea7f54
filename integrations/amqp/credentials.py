"""The AMQP credential: where the broker is (host, port, TLS, virtual host) and the login
(password secret), as n8n's AMQP credential plus the virtual host AMQP 0-9-1 needs."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator

from integrations.postgres.credentials import HOST
from integrations.service import CredentialFields


class Broker(CredentialFields):
    kind = "amqp"
    label = "AMQP broker"

    password: SecretStr | None = Field(None, description="The user's password.")
    host: str = Field(
        min_length=1,
        max_length=253,
        description="The broker's host name or IP address, e.g. rabbit.example.com.",
    )
    port: int = Field(5672, ge=1, le=65535, description="The port (5672; 5671 with TLS).")
    username: str = Field("guest", max_length=128, description="The user to log in as.")
    vhost: str = Field("/", max_length=255, description="The virtual host (/ by default).")
    tls: bool = Field(False, description="Connect over TLS (n8n's Transport Type tls).")

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        if not HOST.match(value):
            raise ValueError("must be a host name or an IP address")
        return value.strip("[]")
