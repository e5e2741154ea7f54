"""Local stand-ins for outside services, one module per service, each on 127.0.0.1 speaking the
service's own wire format (paths, auth headers, answers, error shapes, rate-limit answers).
Tests point a credential's `base_url` (or webhook URL) at them; nothing leaves the machine."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    """One request as it arrived: header names lower-cased, the body as bytes."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body or b"null")

    @property
    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Answer:
    """What the fake sends back: a dict or list is sent as JSON, a str as text, bytes as they
    are (a file)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0  # seconds before answering (timeouts)

    def encoded(self) -> tuple[bytes, str]:
        if self.body is None:
            return b"", "text/plain"
        if isinstance(self.body, bytes):
            return self.body, "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return json.dumps(self.body).encode(), "application/json; charset=utf-8"


class FakeService(ABC):
    """Answers each request with the next scripted Answer (`script`) or else `respond()`, and
    records it in `requests`. `url` is its base address."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.scripted: list[Answer] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = Received(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                answer = fake._answer(request)
                time.sleep(answer.delay)
                body, content_type = answer.encoded()
                self.send_response(answer.status)
                headers = {"Content-Type": content_type, **answer.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                # A client may hang up mid-answer (a download stopped at its limit).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def _answer(self, request: Received) -> Answer:
        with self._lock:
            self.requests.append(request)
            if self.scripted:
                return self.scripted.pop(0)
        return self.respond(request)

    @abstractmethod
    def respond(self, request: Received) -> Answer:
        """The answer to a request nobody scripted: each service's fake speaks its own API."""

    def script(self, *answers: Answer) -> None:
        """The next requests get these answers, in order, whatever they ask."""
        with self._lock:
            self.scripted.extend(answers)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


Fake = TypeVar("Fake", bound=FakeService)


@contextmanager
def running(fake: Fake) -> Iterator[Fake]:
    try:
        yield fake
    finally:
        fake.close()


@contextmanager
def handled_by(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A threaded HTTP server on 127.0.0.1 answering with `handler`; yields its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
