"""Webhook throughput: concurrent callers POST to a workflow's webhook in queue mode.

    .venv/bin/python bench/webhooks.py [--requests 2000] [--callers 16] [--workers 2]
                                       [--pool prefork] [--concurrency 1]

What it sets up (with bench/stack.py's `WebCluster`): a throwaway PostgreSQL database
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
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import WebCluster, percentile, run, running, service_args, throwaway


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
    parser.add_argument("--warmup", type=int, default=50, help="calls before measuring")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the runs")
    service_args(parser, database="workfuse_hookbench", redis_db=11)
    return parser.parse_args()


def wait_for_runs(executions: Any, expected: int, stack: WebCluster, timeout: float) -> float:
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
    with throwaway(args, "hookbench", WORKFUSE_WEBHOOK_RATE="1000000/m") as bench:
        from editor.models import Workflow
        from executions.models import Execution

        workflow = Workflow.create(bench.owner, "webhook bench", graph=hook_graph())
        workflow.is_active = True
        workflow.save(update_fields=["is_active"])
        executions = Execution.objects.filter(workflow=workflow)

        with running(WebCluster({**os.environ}, args.workers, bench.queue, bench.tmp)) as stack:
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
                    f"log:\n{stack.web.tail()}"
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


if __name__ == "__main__":
    run(main)
