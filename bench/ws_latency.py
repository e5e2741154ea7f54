"""Live-update latency: from a step's commit on a worker to its WebSocket message at a client.

    .venv/bin/python bench/ws_latency.py [--events 1000] [--workers 2] [--in-flight 2]

What it sets up (with bench/stack.py, like the other queue-mode benches): a throwaway PostgreSQL
database (`workfuse_wsbench`, dropped and created again, migrated), a private Redis database
number (`--redis-db`, flushed before and after: broker and channel layer) and a private queue,
then one `uvicorn workfuse.asgi:application` process (queue mode: Redis channel layer),
`--workers` `celery -A workfuse worker` processes (prefork, concurrency 1, consuming every
queue in `CELERY_TASK_QUEUES`: steps, sweep, ...) and one `celery -A workfuse beat`.

What it measures: a WebSocket client (the `websockets` package, in its own thread of this
process, logged in with a real session cookie) listens on `/ws/workflows/<id>/` while this
process runs executions of a 10-step workflow (`trigger.manual` + 9 `utility.transform`), keeping
`--in-flight` of them running at once (a new one starts when one ends, so the queue never holds
a backlog), until at least `--events` `succeeded` step messages have arrived. For each message
the client notes its receive time (`time.time()` as soon as `recv()` returns) and compares it
with the timestamps inside the message; client and server share the machine, so they share
the clock.

* commit -> client: `finished_at` -> received, for `succeeded` step messages. The commit time
  itself is not in the message; `finished_at` is set just before the checkpoint transaction
  (which also creates the successor step), so this slightly overstates the latency.
* publish -> client: `sent_at` -> received (`sent_at` is stamped when the committed change is
  handed to the worker's publisher loop), for `succeeded` step messages and for all messages.
* finished_at -> sent_at: the server-side part (checkpoint transaction and commit).
* claim -> client: `started_at` -> received for `running` step messages (the claim is one
  autocommitted UPDATE; `started_at` is set just before it).

Everything this starts is stopped on exit, including Ctrl-C and errors, and the database is
dropped. Target (DESIGN §7): a state change reaches a browser in under 100 ms (p95).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engine import STEPS, ten_step_graph
from bench.stack import WebCluster, percentile, run, running, service_args, throwaway

TERMINAL = ("succeeded", "failed", "cancelled")


def ts(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


# --- the client ------------------------------------------------------------------------------


@dataclass
class Listener:
    """Receives in its own thread and notes when each message arrived."""

    ws: Any
    received: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    finished: dict[str, str] = field(default_factory=dict)  # execution id -> terminal status
    slots: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))
    error: BaseException | None = None

    def start(self) -> None:
        threading.Thread(target=self._run, name="ws-client", daemon=True).start()

    def _run(self) -> None:
        from websockets.exceptions import ConnectionClosedOK

        try:
            while True:
                raw = self.ws.recv()
                at = time.time()
                message = json.loads(raw)
                self.received.append((at, message))
                if message.get("type") == "execution" and message.get("status") in TERMINAL:
                    self.finished[message["execution_id"]] = message["status"]
                    self.slots.release()
        except ConnectionClosedOK:
            pass
        except BaseException as exc:  # reported by the driver
            self.error = exc
            self.slots.release()


def run_executions(
    workflow: Any, count: int, in_flight: int, listener: Listener, stack: WebCluster, timeout: float
) -> list[str]:
    """Start `count` executions, at most `in_flight` unfinished at once; wait for all to end."""
    from executions.engine import start_execution

    ids: list[str] = []
    for _ in range(in_flight):
        listener.slots.release()
    deadline = time.monotonic() + timeout
    for i in range(count):
        while not listener.slots.acquire(timeout=1):
            stack.check()
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(ids)} started, {len(listener.finished)} finished")
        if listener.error is not None:
            raise RuntimeError(f"WebSocket client failed: {listener.error!r}")
        ids.append(str(start_execution(workflow, {"n": i}).pk))
    while not all(i in listener.finished for i in ids):
        stack.check()
        if listener.error is not None:
            raise RuntimeError(f"WebSocket client failed: {listener.error!r}")
        if time.monotonic() > deadline:
            done = sum(i in listener.finished for i in ids)
            raise TimeoutError(f"{done} of {count} executions finished after {timeout} s")
        time.sleep(0.05)
    # Take back the slots left over, so the next round starts with none.
    while listener.slots.acquire(blocking=False):
        pass
    failed = [i for i in ids if listener.finished[i] != "succeeded"]
    if failed:
        raise RuntimeError(f"{len(failed)} executions did not succeed, e.g. {failed[0]}")
    return ids


# --- results ---------------------------------------------------------------------------------


def row(name: str, values_s: list[float]) -> str:
    ms = [v * 1000 for v in values_s]
    cells = " | ".join(f"{percentile(ms, p):.1f}" for p in (50, 95, 99))
    return f"| {name} | {len(ms)} | {cells} | {max(ms):.1f} |"


HEADER = "| interval | messages | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|"


def report(received: list[tuple[float, dict[str, Any]]], ids: list[str], args: Any) -> bool:
    measured = set(ids)
    mine = [(at, m) for at, m in received if m.get("execution_id") in measured]
    succeeded = [(at, m) for at, m in mine if m["type"] == "step" and m["status"] == "succeeded"]
    running = [(at, m) for at, m in mine if m["type"] == "step" and m["status"] == "running"]
    commit = [at - ts(m["finished_at"]) for at, m in succeeded]
    publish = [at - ts(m["sent_at"]) for at, m in succeeded]
    server = [ts(m["sent_at"]) - ts(m["finished_at"]) for _, m in succeeded]
    publish_all = [at - ts(m["sent_at"]) for at, m in mine]
    claim = [at - ts(m["started_at"]) for at, m in running]
    expected = len(ids) * STEPS
    cmd = " ".join([".venv/bin/python bench/ws_latency.py", *sys.argv[1:]])
    print(f"\n{cmd}")
    print(
        f"{len(ids)} executions x {STEPS} steps, {args.workers} worker processes, "
        f"{args.in_flight} executions in flight; {len(succeeded)} of {expected} `succeeded` "
        f"step messages received, {len(mine)} messages in all\n"
    )
    print(HEADER)
    print(row("commit -> client (finished_at -> received), succeeded steps", commit))
    print(row("publish -> client (sent_at -> received), succeeded steps", publish))
    print(row("finished_at -> sent_at (server side), succeeded steps", server))
    print(row("publish -> client (sent_at -> received), all messages", publish_all))
    print(row("claim -> client (started_at -> received), running steps", claim))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nload average at the end: {load} (1, 5, 15 min)")
    p95 = percentile(commit, 95) * 1000
    ok = p95 < 100 and len(succeeded) == expected
    print(f"target p95 commit -> client < 100 ms: {'met' if ok else 'NOT met'} ({p95:.1f} ms)")
    return ok


# --- main ------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1000, help="succeeded step messages")
    parser.add_argument("--in-flight", type=int, default=2, help="executions running at once")
    parser.add_argument("--warmup", type=int, default=5, help="executions before measuring")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for the measurement")
    service_args(parser, database="workfuse_wsbench", redis_db=12)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    with throwaway(args, "wsbench") as bench, contextlib.ExitStack() as sockets:
        from django.test import Client
        from websockets.sync.client import connect
        from websockets.typing import Origin

        from editor.models import Workflow

        workflow = Workflow.create(bench.owner, "ws latency", graph=ten_step_graph())
        client = Client()
        client.force_login(bench.owner)
        cookie = f"sessionid={client.cookies['sessionid'].value}"

        stack = sockets.enter_context(
            running(WebCluster({**os.environ}, args.workers, bench.queue, bench.tmp))
        )
        ws = sockets.enter_context(
            connect(
                f"ws://127.0.0.1:{stack.port}/ws/workflows/{workflow.pk}/",
                origin=Origin(f"http://127.0.0.1:{stack.port}"),
                additional_headers={"Cookie": cookie},
                proxy=None,
                max_queue=None,
            )
        )
        snapshot = json.loads(ws.recv(timeout=10))
        assert snapshot["type"] == "snapshot", snapshot
        listener = Listener(ws)
        listener.start()

        count = -(-args.events // STEPS)
        print(
            f"{args.warmup} warm-up + {count} measured executions of a {STEPS}-step workflow, "
            f"{args.in_flight} in flight, {args.workers} workers ...",
            flush=True,
        )
        run_executions(workflow, args.warmup, args.in_flight, listener, stack, args.timeout)
        ids = run_executions(workflow, count, args.in_flight, listener, stack, args.timeout)
        time.sleep(0.5)  # any straggler messages
        return 0 if report(list(listener.received), ids, args) else 1


if __name__ == "__main__":
    run(main)
