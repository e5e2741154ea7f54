"""Webhook throughput: concurrent callers POST to a workflow's webhook in queue mode.

    .venv/bin/python bench/webhooks.py [--requests 2000] [--callers 16] [--workers 2]
                                       [--pool prefork] [--concurrency 1]

What it sets up (with bench/ws_latency.py's `Stack`): a throwaway PostgreSQL database
(`workfuse_hookbench`), a private Redis database and queue, one `uvicorn
workfuse.asgi:application` process, `--workers` `celery -A workfuse worker` processes and one
beat. The workflow is the shape n8n's figure was measured on: `trigger.webhook` (response
`immediate`) → `utility.transform` → `utility.transform`, activated, with the per-workflow
webhook rate limit raised for the run (`WORKFUSE_WEBHOOK_RATE`).

What it measures: `--callers` threads of this process, each with its own HTTP connection
(httpx), POST a small JSON body as fast as they get answers, `--requests` in all. Reported:
the answers per second and their latency (p50/p95/p99: the webhook's answer is sent once the
execution is committed, before it runs), then the executions per second end to end (first
request → last execution succeeded). Every answer must be 202 and every execution must
succeed, or the run fails. Everything this starts is stopped on exit and the database dropped.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.engine import PYTHON, drop_database, percentile, recreate_database  # noqa: E402
from bench.ws_latency import Stack  # noqa: E402


def hook_graph() -> dict[str, Any]:
    return {
        "nodes": [
            {"id": "hook", "type": "trigger.webhook", "config": {"methods": ["POST"]}},
            {"id": "pick", "type": "utility.transform", "config": {"expression": "body"}},
            {"id": "shape", "type": "utility.transform", "config": {"expression": "@"}},
        ],
        "edges": [{"source": "hook", "target": "pick"}, {"source": "pick", "target": "shape"}],
    }


def call(url: str, requests: int, callers: int) -> tuple[list[float], list[int], float]:
    """POST `requests` times from `callers` threads; returns latencies (s), statuses, wall s."""
    import httpx

    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def caller() -> None:
        with httpx.Client(timeout=30) as client:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                t0 = time.perf_counter()
                status = client.post(url, json={"order": i, "email": f"c{i}@example.com"})
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    statuses.append(status.status_code)

    started = time.perf_counter()
    threads = [threading.Thread(target=caller) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - started


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="webhook calls measured")
    parser.add_argument("--callers", type=int, default=16, help="concurrent callers")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--warmup", type=int, default=50, help="calls before measuring")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the runs")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL")
    parser.add_argument("--database", default="workfuse_hookbench", help="dropped and recreated")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="Redis server")
    parser.add_argument("--redis-db", type=int, default=11, help="flushed before and after")
    return parser.parse_args()


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def wait_for_runs(executions: Any, expected: int, stack: Stack, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stack.check()
        bad = executions.exclude(status__in=("succeeded", "running", "pending")).first()
        if bad is not None:
            raise RuntimeError(f"execution {bad.pk} {bad.status}: {bad.error}")
        if executions.filter(status="succeeded").count() >= expected:
            return time.perf_counter()
        time.sleep(0.05)
    raise TimeoutError(f"fewer than {expected} executions succeeded after {timeout} s")


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    queue = f"hookbench-{uuid.uuid4().hex[:8]}"
    redis_url = f"{args.redis}/{args.redis_db}"
    tmp = Path(tempfile.mkdtemp(prefix="workfuse-hookbench-"))
    os.environ.update(
        {
            "DATABASE_URL": f"{args.pg}/{args.database}",
            "REDIS_URL": redis_url,
            "WORKFUSE_QUEUE": queue,
            "WORKFUSE_DATA_DIR": str(tmp),
            "WORKFUSE_WEBHOOK_RATE": "1000000/m",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "workfuse.settings",
        }
    )
    admin_url = f"{args.pg}/postgres"

    import redis

    redis.Redis.from_url(redis_url).flushdb()
    recreate_database(admin_url, args.database)
    stack: Stack | None = None
    try:
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env={**os.environ},
            check=True,
        )
        import django

        django.setup()
        from django.contrib.auth import get_user_model

        from editor.models import Workflow
        from executions.models import Execution

        owner = get_user_model().objects.create_user("bench", "bench@example.com", "x")
        workflow = Workflow.create(owner, "webhook bench", graph=hook_graph())
        workflow.is_active = True
        workflow.save(update_fields=["is_active"])
        executions = Execution.objects.filter(workflow=workflow)

        stack = Stack({**os.environ}, args.workers, queue, tmp)
        stack.wait_ready()
        url = f"http://127.0.0.1:{stack.port}{workflow.webhook_path}"
        print(f"{args.warmup} warm-up + {args.requests} calls from {args.callers} callers ...")
        call(url, args.warmup, args.callers)
        wait_for_runs(executions, args.warmup, stack, args.timeout)

        t0 = time.perf_counter()
        latencies, statuses, wall = call(url, args.requests, args.callers)
        refused = [s for s in statuses if s != 202]
        if refused:
            raise RuntimeError(
                f"{len(refused)} calls were not accepted, e.g. HTTP {refused[0]}; web server "
                f"log:\n{stack.processes[0].tail()}"
            )
        done = wait_for_runs(executions, args.warmup + args.requests, stack, args.timeout)
        ms = [v * 1000 for v in latencies]
        print(f"\n.venv/bin/python bench/webhooks.py {' '.join(sys.argv[1:])}".rstrip())
        print(f"{args.workers} worker processes, {args.callers} concurrent callers, 3-node flow\n")
        print("| calls | answers/s | p50 ms | p95 ms | p99 ms | executions/s end to end |")
        print("|---|---|---|---|---|---|")
        print(
            f"| {args.requests} | {args.requests / wall:.1f} | {percentile(ms, 50):.1f} | "
            f"{percentile(ms, 95):.1f} | {percentile(ms, 99):.1f} | "
            f"{args.requests / (done - t0):.1f} |"
        )
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
        print(f"\nload average at the end: {load} (1, 5, 15 min)")
        return 0
    finally:
        if stack is not None:
            stack.stop()
        from django.db import connections

        connections.close_all()
        drop_database(admin_url, args.database)
        redis.Redis.from_url(redis_url).flushdb()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted; processes stopped and the bench database dropped", file=sys.stderr)
        sys.exit(130)
