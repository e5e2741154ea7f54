"""A fake Redis speaking just enough RESP to refuse a password as Redis does (WRONGPASS); the
machine's Redis has none, so it never refuses one. `echo`: a careless server that quotes the
password in its refusal."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from tests.fakes.tcp import TcpFake


class FakeRedis(TcpFake):
    def __init__(self, echo: bool = False) -> None:
        self.echo = echo
        self.passwords: list[str] = []
        super().__init__()

    def _session(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rb") as reader:
            try:
                while command := _command(reader):
                    if "AUTH" not in (word.upper() for word in command[:3]):
                        conn.sendall(b"+OK\r\n")
                        continue
                    self.passwords.append(command[-1])
                    said = "WRONGPASS invalid username-password pair or user is disabled."
                    if self.echo:
                        said += f" (you sent {command[-1]})"
                    conn.sendall(f"-{said}\r\n".encode())
            except (OSError, ValueError):
                return


def _command(reader: object) -> list[str]:
    """One RESP array of bulk strings (a client's command); [] when the client left."""
    line = reader.readline()  # type: ignore[attr-defined]
    if not line.startswith(b"*"):
        return []
    words = []
    for _ in range(int(line[1:])):
        size = int(reader.readline()[1:])  # type: ignore[attr-defined]
        words.append(reader.read(size + 2)[:-2].decode())  # type: ignore[attr-defined]
    return words


@contextmanager
def fake_redis(echo: bool = False) -> Iterator[FakeRedis]:
    fake = FakeRedis(echo)
    try:
        yield fake
    finally:
        fake.close()
