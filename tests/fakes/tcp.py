"""The accept loop and exact reads the tests' wire-protocol fakes share (PostgreSQL, MySQL,
MongoDB, Redis, AMQP)."""

from __future__ import annotations

import socket
import threading
from abc import ABC, abstractmethod


class TcpFake(ABC):
    """Listens on a free port of 127.0.0.1 and talks to each connection in a thread of its own
    (`_session`). Subclasses set their attributes before calling `__init__`: it starts serving."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    @abstractmethod
    def _session(self, conn: socket.socket) -> None:
        """One client's conversation."""

    def close(self) -> None:
        # A blocked accept() keeps a closed socket listening: shut it down first.
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def read_exact(conn: socket.socket, size: int) -> bytes:
    """`size` bytes from `conn`; OSError when the client closes first."""
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise OSError("closed")
        data += chunk
    return data
