"""MySQL for tests: the machine's MariaDB (MYSQL_URL's, else root@127.0.0.1:3306) with a
private database, and a fake speaking just enough of the wire protocol to switch the login to
a cleartext password and refuse it as MySQL does (error 1045); the machine's root has no
password, so it never refuses one."""

from __future__ import annotations

import os
import socket
import struct
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import pymysql
import pytest

from tests.fakes.tcp import TcpFake, read_exact

# Protocol 4.1, secure connection, plugin auth, connect with a database; no TLS on offer.
CAPABILITIES = 0x0200 | 0x8000 | 0x80000 | 0x0008 | 0x0001


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    username: str
    password: str
    database: str

    def connect(self) -> pymysql.Connection:
        return pymysql.connect(
            host=self.host,
            port=self.port,
            user=self.username,
            password=self.password,
            database=self.database,
            autocommit=True,
        )


def machine_server() -> Server:
    parts = urlsplit(os.environ.get("MYSQL_URL") or "mysql://root@127.0.0.1:3306")
    return Server(
        parts.hostname or "127.0.0.1",
        parts.port or 3306,
        parts.username or "root",
        parts.password or "",
        "",
    )


@contextmanager
def private_database() -> Iterator[Server]:
    """A new database on the machine's server, dropped afterwards."""
    admin = machine_server()
    try:
        connection = pymysql.connect(
            host=admin.host,
            port=admin.port,
            user=admin.username,
            password=admin.password,
            autocommit=True,
            connect_timeout=3,
        )
    except pymysql.MySQLError as error:
        pytest.fail(f"No MySQL reachable at {admin.host}:{admin.port} (MYSQL_URL): {error}")
    name = f"wf_mysqlnode_{uuid.uuid4().hex[:10]}"
    with connection, connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{name}`")
        try:
            yield Server(admin.host, admin.port, admin.username, admin.password, name)
        finally:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")


class FakeMySQL(TcpFake):
    """Greets as MySQL 8 would, asks for the password in clear text (AuthSwitchRequest to
    mysql_clear_password), records it and refuses it (error 1045). `echo`: a careless server
    that quotes the password in its refusal."""

    def __init__(self, echo: bool = False) -> None:
        self.echo = echo
        self.passwords: list[str] = []
        self.logins: list[dict[str, str]] = []
        super().__init__()

    def _session(self, conn: socket.socket) -> None:
        with conn:
            try:
                seed = b"abcdefgh" + b"ijklmnopqrst"
                greeting = (
                    b"\x0a8.0.36-fake\0"
                    + struct.pack("<I", 7)
                    + seed[:8]
                    + b"\0"
                    + struct.pack("<HBHH", CAPABILITIES & 0xFFFF, 45, 2, CAPABILITIES >> 16)
                    + bytes([21])
                    + b"\0" * 10
                    + seed[8:]
                    + b"\0mysql_native_password\0"
                )
                _send(conn, 0, greeting)
                _, response = _receive(conn)
                user = response[32 : response.index(b"\0", 32)].decode()
                rest = response[response.index(b"\0", 32) + 1 :]
                rest = rest[1 + rest[0] :]  # the scrambled password, length first
                database = rest[: rest.index(b"\0")].decode() if b"\0" in rest else ""
                self.logins.append({"user": user, "database": database})
                _send(conn, 2, b"\xfemysql_clear_password\0" + seed + b"\0")
                _, password = _receive(conn)
                said = password.rstrip(b"\0").decode()
                self.passwords.append(said)
                message = f"Access denied for user '{user}'@'localhost' (using password: YES)"
                if self.echo:
                    message += f" (you sent {said})"
                _send(conn, 4, b"\xff" + struct.pack("<H", 1045) + b"#28000" + message.encode())
            except (OSError, ValueError, IndexError, struct.error):
                return


def _send(conn: socket.socket, sequence: int, payload: bytes) -> None:
    conn.sendall(struct.pack("<I", len(payload))[:3] + bytes([sequence]) + payload)


def _receive(conn: socket.socket) -> tuple[int, bytes]:
    header = read_exact(conn, 4)
    length = int.from_bytes(header[:3], "little")
    return header[3], read_exact(conn, length)


@contextmanager
def fake_mysql(echo: bool = False) -> Iterator[FakeMySQL]:
    fake = FakeMySQL(echo)
    try:
        yield fake
    finally:
        fake.close()
