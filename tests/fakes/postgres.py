"""PostgreSQL for tests: the machine's server (DATABASE_URL's, else postgres@127.0.0.1:5432) with
a private database, and a fake speaking just enough of the wire protocol to ask for a
cleartext password and refuse it as PostgreSQL does (SQLSTATE 28P01); the machine's server
trusts local connections, so it never refuses a password."""

from __future__ import annotations

import os
import socket
import struct
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.fakes.tcp import TcpFake, read_exact

SSL_REQUEST, GSSENC_REQUEST = 80877103, 80877104


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    username: str
    database: str

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.username,
            dbname=self.database,
            autocommit=True,
        )


def machine_server() -> Server:
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url if url.startswith("postgres") else "postgres://postgres@127.0.0.1:5432")
    return Server(
        parts.hostname or "127.0.0.1", parts.port or 5432, parts.username or "postgres", "postgres"
    )


@contextmanager
def private_database() -> Iterator[Server]:
    """A new database on the machine's server (which every machine running the suite has),
    dropped afterwards."""
    admin = machine_server()
    try:
        connection = psycopg.connect(
            host=admin.host,
            port=admin.port,
            user=admin.username,
            dbname="postgres",
            autocommit=True,
            connect_timeout=3,
        )
    except psycopg.OperationalError as error:
        pytest.fail(f"No PostgreSQL reachable at {admin.host}:{admin.port}: {error}")
    name = f"wf_pgnode_{uuid.uuid4().hex[:10]}"
    with connection:
        connection.execute(f'CREATE DATABASE "{name}"')
        try:
            yield Server(admin.host, admin.port, admin.username, name)
        finally:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class FakePostgres(TcpFake):
    """Accepts a connection, declines TLS, asks for a cleartext password, records it and refuses
    it (FATAL 28P01). `echo`: a careless server that quotes the password in its refusal."""

    def __init__(self, echo: bool = False) -> None:
        self.echo = echo
        self.passwords: list[str] = []
        self.startups: list[dict[str, str]] = []
        super().__init__()

    def _session(self, conn: socket.socket) -> None:
        with conn:
            try:
                while True:
                    length, code = struct.unpack("!ii", read_exact(conn, 8))
                    if code in (SSL_REQUEST, GSSENC_REQUEST):
                        conn.sendall(b"N")
                        continue
                    payload = read_exact(conn, length - 8).split(b"\0")
                    self.startups.append(
                        {
                            k.decode(): v.decode()
                            for k, v in zip(payload[::2], payload[1::2], strict=False)
                            if k
                        }
                    )
                    break
                conn.sendall(b"R" + struct.pack("!ii", 8, 3))  # AuthenticationCleartextPassword
                _kind, length = struct.unpack("!ci", read_exact(conn, 5))
                password = read_exact(conn, length - 4).rstrip(b"\0").decode()
                self.passwords.append(password)
                user = self.startups[-1].get("user", "")
                message = f'password authentication failed for user "{user}"'
                if self.echo:
                    message += f" (you sent {password})"
                fields = [b"SFATAL", b"VFATAL", b"C28P01", b"M" + message.encode()]
                body = b"".join(f + b"\0" for f in fields) + b"\0"
                conn.sendall(b"E" + struct.pack("!i", len(body) + 4) + body)
            except (OSError, struct.error):
                return


@contextmanager
def fake_postgres(echo: bool = False) -> Iterator[FakePostgres]:
    fake = FakePostgres(echo)
    try:
        yield fake
    finally:
        fake.close()
