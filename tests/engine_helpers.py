"""Helpers for engine tests: build workflows the way the app does and run them eagerly."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from editor.models import Workflow
from executions.models import Execution

TRIGGER = {"id": "start", "type": "trigger.manual", "config": {}}


def chain(*nodes: dict, extra_edges: list[dict] | None = None) -> dict:
    """A graph: the manual trigger followed by `nodes` in a line (plus any extra edges)."""
    ids = ["start"] + [n["id"] for n in nodes]
    edges = [{"source": a, "target": b} for a, b in itertools.pairwise(ids)]
    return {"nodes": [TRIGGER, *nodes], "edges": edges + (extra_edges or [])}


def transform(node_id: str, expression: str = "@", **extra: Any) -> dict:
    return {
        "id": node_id,
        "type": "utility.transform",
        "config": {"expression": expression},
        **extra,
    }


def make_workflow(owner: Any, graph: dict, name: str = "test") -> Workflow:
    return Workflow.create(owner, name, graph=graph)


def steps_by_key(execution: Execution) -> dict[str, Any]:
    return {s.key: s for s in execution.steps.all()}


class Recorder:
    """A local HTTP server whose answers tests script; it records every request."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: list[tuple[int, dict, Any]] = []  # answered in order, then 200 {"ok": true}
        self.holds: dict[str, threading.Event] = {}  # path -> requests wait until it is set
        self.delays: dict[str, float] = {}  # path -> seconds each request takes to answer
        self.in_flight = 0  # requests being answered right now
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                recorder.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "body": body,
                        "headers": dict(self.headers),
                    }
                )
                gate = recorder.holds.get(urlsplit(self.path).path)
                recorder.in_flight += 1
                try:
                    if gate is not None:
                        gate.wait(timeout=60)
                    time.sleep(recorder.delays.get(urlsplit(self.path).path, 0))
                finally:
                    recorder.in_flight -= 1
                status, headers, payload = (
                    recorder.script.pop(0) if recorder.script else (200, {}, {"ok": True})
                )
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        for gate in self.holds.values():
            gate.set()
        self.server.shutdown()


@contextmanager
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    try:
        yield server
    finally:
        server.close()
