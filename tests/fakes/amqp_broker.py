"""A careless AMQP 0-9-1 broker speaking just enough of the wire format to refuse a login:
Connection.Start, then Connection.Close (403 ACCESS_REFUSED) quoting the client's StartOk,
password included. RabbitMQ never quotes one; this is the secret canary's broker."""

from __future__ import annotations

import socket
import struct

from amqp.serialization import dumps

from tests.fakes.tcp import TcpFake

FRAME_END = b"\xce"


class CarelessBroker(TcpFake):
    def __init__(self) -> None:
        self.received: list[str] = []
        super().__init__()

    def _session(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(8)  # the protocol header
                start = dumps("ooFSS", (0, 9, {"product": "careless"}, "PLAIN AMQPLAIN", "en_US"))
                conn.sendall(_method(10, 10, start))
                said = _frame(conn).decode("latin-1")
                self.received.append(said)
                refusal = f"ACCESS_REFUSED - Login was refused: {said}"[:255]
                conn.sendall(_method(10, 50, dumps("BsBB", (403, refusal, 0, 0))))
                _frame(conn)  # Close-Ok
            except (OSError, struct.error):
                return


def _method(class_id: int, method_id: int, arguments: bytes) -> bytes:
    payload = struct.pack(">HH", class_id, method_id) + arguments
    return struct.pack(">BHI", 1, 0, len(payload)) + payload + FRAME_END


def _frame(conn: socket.socket) -> bytes:
    header = _exactly(conn, 7)
    _, _, size = struct.unpack(">BHI", header)
    return _exactly(conn, size + 1)[:-1]


def _exactly(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise OSError("the client left")
        data += chunk
    return data
