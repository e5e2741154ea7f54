"""Engine throughput: how fast queue mode runs a 10-step no-op workflow, against raw Celery.

    .venv/bin/python bench/engine.py [--executions 500] [--workers 2] [--no-inline]
                                     [--compare-inline] [--batch-sizes 16,1] [--no-baseline]
                                     [--warmup 20] [--via-api --submitters 8 [--web-workers 2]]

What it sets up: a throwaway PostgreSQL database (`workfuse_bench`, dropped and created again,
migrated with `manage.py migrate`), a private Redis database number (`--redis-db`, flushed) and
a private queue name, then `--workers` `celery -A workfuse worker` processes (prefork,
concurrency 1 each) and one `celery -A workfuse beat`, all pointed at those resources.

What it measures:

* **WorkFuse**: one workflow created the way the app does (`Workflow.create`): `trigger.manual`
  followed by 9 `utility.transform` nodes (expression `@`) in a line, so 10 steps per
  execution. After a warm-up, this process calls `executions.engine.start_execution` N times as
  fast as it can (the steps run on the workers, dispatched through Redis) and polls the
  database every 50 ms until all N executions have succeeded. Wall time runs from the first
  start to that moment. Latency per execution is `finished_at - created_at`.
* **Raw Celery chain** (the baseline): N `chain(noop.si() x 10)` on fresh workers of the same
  shape (`bench/chain_tasks.py`); the last task of each chain appends its latency (now - time
  sent) to a Redis list, and the wait ends when the list holds N entries.

With `--via-api` the runs are started as a script would start them, by `POST
/api/workflows/{id}/run` to `uvicorn workfuse.asgi:application` (one process, or `--web-workers`
as the Procfile starts it; bearer token, one kept-alive connection per `--submitters` thread),
so the web processes' cost is in the figures.

For both: runs/s, steps/s, the mean per-step overhead (wall time x worker processes / steps,
i.e. the worker time one no-op step costs, everything included: broker, database, Python), and
p50/p95 latency. Wall time suffers from anything else the machine runs, so each part also
reports its cost per step: CPU time of the worker processes, PostgreSQL's processes (all of the
server's: its sessions and the WAL writer), the Redis server and this process (which starts the
runs and polls), read from /proc (Linux), and from PostgreSQL's statistics
for the bench database the time its sessions spent running statements and the number of
connections opened. With `--compare-inline` the WorkFuse part runs twice, with the engine's
"run a sole successor in the same task" optimisation (`WORKFUSE_INLINE_SUCCESSOR`) on and off;
`--no-inline` runs it only with the optimisation off. `--batch-sizes 16,1` runs it once per
`WORKFUSE_BATCH_SIZE` (how many chains a task may run in rounds that share a commit; 1 turns
that off; docs/engine.md, "Rounds").

Everything this starts is stopped on exit, including Ctrl-C and errors, and the database is
dropped. The benchmark process, PostgreSQL and Redis share the machine with the workers, so on
a 2-core machine the figures include their CPU use too.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import (
    Cluster,
    WebCluster,
    percentile,
    run,
    running,
    service_args,
    throwaway,
)

STEPS = 10  # per execution / per chain
POLL_SECONDS = 0.05


# --- results ---------------------------------------------------------------------------------


CPU_PARTS = ("workers", "PostgreSQL", "Redis", "bench process")


@dataclass
class Usage:
    """What a part cost while it was measured."""

    cpu_s: dict[str, float]  # CPU seconds by part (CPU_PARTS), from /proc
    pg_active_s: float  # time sessions on the bench database spent running statements
    pg_sessions: int  # connections opened to the bench database


@dataclass
class Result:
    name: str
    runs: int
    workers: int
    submit_s: float  # time to send all N runs
    wall_s: float  # first send -> all N finished
    latencies_s: list[float]
    usage: Usage | None = None  # filled in once the workers have stopped

    @property
    def steps(self) -> int:
        return self.runs * STEPS

    @property
    def runs_per_s(self) -> float:
        return self.runs / self.wall_s

    @property
    def steps_per_s(self) -> float:
        return self.steps / self.wall_s

    @property
    def step_overhead_ms(self) -> float:
        return self.wall_s * self.workers / self.steps * 1000

    def row(self) -> str:
        return (
            f"| {self.name} | {self.runs} | {self.wall_s:.2f} | {self.submit_s:.2f} "
            f"| {self.runs_per_s:.1f} | {self.steps_per_s:.0f} | {self.step_overhead_ms:.2f} "
            f"| {percentile(self.latencies_s, 50) * 1000:.0f} "
            f"| {percentile(self.latencies_s, 95) * 1000:.0f} |"
        )

    def cost_row(self) -> str:
        assert self.usage is not None
        per_step = [self.usage.cpu_s[part] / self.steps * 1000 for part in CPU_PARTS]
        cells = " | ".join(f"{ms:.2f}" for ms in per_step)
        return (
            f"| {self.name} | {cells} | {sum(per_step):.2f} "
            f"| {self.usage.pg_active_s / self.steps * 1000:.2f} | {self.usage.pg_sessions} |"
        )


HEADER = (
    "| run | N | wall s | submit s | runs/s | steps/s | per-step overhead ms | p50 latency ms "
    "| p95 latency ms |\n|---|---|---|---|---|---|---|---|---|"
)
COST_HEADER = (
    "| cost per step | "
    + " | ".join(f"CPU ms {part}" for part in CPU_PARTS)
    + " | CPU ms total | PostgreSQL active ms | PostgreSQL connections opened |\n|---"
    + "|---" * (len(CPU_PARTS) + 3)
    + "|"
)


# --- cost accounting -------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def proc_stat(pid: str) -> tuple[str, int, float] | None:
    """(command name, process group, CPU seconds used) of a process, or None if it is gone
    (Linux /proc)."""
    try:
        name, _, rest = Path(f"/proc/{pid}/stat").read_text().partition(" (")[2].rpartition(")")
    except OSError:
        return None
    fields = rest.split()
    return name, int(fields[2]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class Meter:
    """CPU time of the workers and PostgreSQL's processes (per process, so deltas are exact; a
    process that ends in between loses its share), Redis and this process, and
    PostgreSQL's own statistics for the bench database (`pg_stat_database`): the time its
    sessions spent running statements, and how many connections were opened. PostgreSQL
    publishes a session's figures when it ends, so `usage()` is read after the workers stop."""

    def __init__(self, admin_url: str, database: str, redis_url: str, cluster: Cluster):
        self.admin_url, self.database, self.redis_url = admin_url, database, redis_url
        self.groups = cluster.worker_groups()

    def _cpu(self) -> dict[str, dict[str, float]]:
        import redis

        stats = {
            entry.name: stat
            for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and (stat := proc_stat(entry.name))
        }
        info = redis.Redis.from_url(self.redis_url).info("cpu")
        return {
            "workers": {pid: cpu for pid, (_, group, cpu) in stats.items() if group in self.groups},
            # All of the server's processes (the sessions, and the WAL writer that syncs commits).
            "PostgreSQL": {pid: cpu for pid, (name, _, cpu) in stats.items() if name == "postgres"},
            "Redis": {"": float(info["used_cpu_user"]) + float(info["used_cpu_sys"])},
            "bench process": {"": time.process_time()},
        }

    def _postgres(self, wait_for_sessions: bool = False) -> tuple[float, int]:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            deadline = time.monotonic() + 10
            while wait_for_sessions and time.monotonic() < deadline:
                (open_sessions,) = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.database]
                ).fetchone()  # type: ignore[misc]
                if not open_sessions:
                    break
                time.sleep(0.05)
            active_ms, sessions = conn.execute(
                "SELECT active_time, sessions FROM pg_stat_database WHERE datname = %s",
                [self.database],
            ).fetchone()  # type: ignore[misc]
        return active_ms / 1000, sessions

    def start(self) -> None:
        self._cpu_start, self._pg_start = self._cpu(), self._postgres()

    def stop(self) -> None:
        """Call when the runs have finished, while the workers still live."""
        self._cpu_stop = self._cpu()

    def usage(self) -> Usage:
        """Call once the workers have stopped."""
        from django.db import connections

        connections.close_all()
        active_s, sessions = self._postgres(wait_for_sessions=True)
        cpu = {
            part: sum(
                value - self._cpu_start[part].get(key, 0.0)
                for key, value in self._cpu_stop[part].items()
            )
            for part in CPU_PARTS
        }
        return Usage(cpu, active_s - self._pg_start[0], sessions - self._pg_start[1])


# --- processes -------------------------------------------------------------------------------


def wait_until(
    count: Callable[[], int], target: int, cluster: Cluster, timeout: float, what: str
) -> float:
    """Poll until `count()` reaches `target`; returns the perf_counter time it did."""
    deadline = time.monotonic() + timeout
    while True:
        done = count()
        if done >= target:
            return time.perf_counter()
        cluster.check()
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: {done} of {target} finished after {timeout} s")
        time.sleep(POLL_SECONDS)


# --- the two benchmarks ----------------------------------------------------------------------


def submit(start: Callable[[int], Any], n: int, threads: int) -> None:
    """Call `start(i)` for i < n from `threads` threads (as concurrent webhook calls would)."""
    import threading

    from django.db import connections

    def share(first: int) -> None:
        try:
            for i in range(first, n, threads):
                start(i)
        finally:
            connections.close_all()  # this thread's own connection

    if threads <= 1:
        for i in range(n):
            start(i)
        return
    pool = [threading.Thread(target=share, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def ten_step_graph() -> dict[str, Any]:
    ids = ["start"] + [f"t{i}" for i in range(1, STEPS)]
    nodes = [{"id": "start", "type": "trigger.manual", "config": {}}] + [
        {"id": i, "type": "utility.transform", "config": {"expression": "@"}} for i in ids[1:]
    ]
    edges = [{"source": a, "target": b} for a, b in itertools.pairwise(ids)]
    return {"nodes": nodes, "edges": edges}


def bench_workfuse(
    name: str, owner: Any, args: argparse.Namespace, cluster: Cluster, meter: Meter
) -> Result:
    n, warmup, timeout = args.executions, args.warmup, args.timeout
    from django.db.models import F
    from django.utils import timezone

    from editor.models import Workflow
    from executions.engine import start_execution
    from executions.models import Execution, Step

    workflow = Workflow.create(owner, f"bench {name}", graph=ten_step_graph())
    executions = Execution.objects.filter(workflow=workflow)
    done = Execution.Status.SUCCEEDED
    bad = (Execution.Status.FAILED, Execution.Status.CANCELLED)

    def finished() -> int:
        if executions.filter(status__in=bad).exists():
            failed = executions.filter(status__in=bad).first()
            raise RuntimeError(f"execution {failed.pk} {failed.status}: {failed.error}")
        return executions.filter(status=done).count()

    start = (
        api_starter(owner, workflow.pk, cluster)
        if args.via_api
        else lambda i: start_execution(workflow, {"n": i})
    )
    for i in range(warmup):
        start(i)
    wait_until(finished, warmup, cluster, timeout, f"{name} warm-up")

    meter.start()
    since = timezone.now()
    t0 = time.perf_counter()
    submit(start, n, args.submitters)
    submitted = time.perf_counter()
    t1 = wait_until(finished, warmup + n, cluster, timeout, name)
    meter.stop()

    measured = executions.filter(created_at__gte=since)
    latencies = [
        d.total_seconds()
        for d in measured.annotate(d=F("finished_at") - F("created_at")).values_list("d", flat=True)
    ]
    steps = Step.objects.filter(execution__in=measured, status=Step.Status.SUCCEEDED).count()
    if len(latencies) != n or steps != n * STEPS:
        raise RuntimeError(f"{name}: expected {n} executions x {STEPS} steps, got {steps} steps")
    return Result(name, n, args.workers, submitted - t0, t1 - t0, latencies)


def api_starter(owner: Any, workflow_id: int, cluster: Cluster) -> Callable[[int], None]:
    """Start runs as a script would: `POST /api/workflows/{id}/run` with a bearer token, one
    kept-alive connection per submitting thread."""
    import threading

    import httpx

    from accounts.models import ApiToken

    assert isinstance(cluster, WebCluster)
    _, token = ApiToken.issue(owner, "bench")
    url = f"http://127.0.0.1:{cluster.port}/api/workflows/{workflow_id}/run"
    headers = {"Authorization": f"Bearer {token}"}
    local = threading.local()

    def start(i: int) -> None:
        if not hasattr(local, "client"):
            local.client = httpx.Client(timeout=30)
        response = local.client.post(url, json={"payload": {"n": i}}, headers=headers)
        if response.status_code != 202:
            raise RuntimeError(f"POST /run answered {response.status_code}: {response.text}")

    return start


def bench_chain(args: argparse.Namespace, cluster: Cluster, meter: Meter) -> Result:
    n, warmup, timeout = args.executions, args.warmup, args.timeout
    import redis
    from celery import chain
    from django.conf import settings

    from bench.chain_tasks import noop

    client = redis.Redis.from_url(settings.REDIS_URL)

    def send(key: str, count: int) -> None:
        def one(_: int) -> None:
            links = [noop.si() for _ in range(STEPS - 1)]
            chain(*links, noop.si(key, time.time())).apply_async()

        submit(one, count, args.submitters)

    warm_key = f"bench:warmup:{uuid.uuid4().hex}"
    send(warm_key, warmup)
    wait_until(lambda: client.llen(warm_key), warmup, cluster, timeout, "chain warm-up")

    key = f"bench:done:{uuid.uuid4().hex}"
    meter.start()
    t0 = time.perf_counter()
    send(key, n)
    submitted = time.perf_counter()
    t1 = wait_until(lambda: client.llen(key), n, cluster, timeout, "raw Celery chain")
    meter.stop()
    latencies = [float(v) for v in client.lrange(key, 0, -1)]
    return Result("raw Celery chain", n, args.workers, submitted - t0, t1 - t0, latencies)


# --- main ------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--executions", type=int, default=500, help="runs measured per part")
    parser.add_argument("--warmup", type=int, default=20, help="runs before measuring")
    parser.add_argument("--pool", default="prefork", help="Celery pool of each worker")
    parser.add_argument("--concurrency", type=int, default=1, help="tasks at once per worker")
    parser.add_argument(
        "--submitters", type=int, default=1, help="threads of this process starting runs"
    )
    inline = parser.add_mutually_exclusive_group()
    inline.add_argument(
        "--no-inline", action="store_true", help="run WorkFuse with WORKFUSE_INLINE_SUCCESSOR=0"
    )
    inline.add_argument(
        "--compare-inline",
        action="store_true",
        help="run WorkFuse with inline successor on and off",
    )
    parser.add_argument(
        "--batch-sizes",
        default="16",
        help="comma-separated WORKFUSE_BATCH_SIZE values to run WorkFuse with (1: no rounds)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the raw Celery chain")
    parser.add_argument(
        "--via-api",
        action="store_true",
        help="start runs through POST /api/workflows/{id}/run to uvicorn (bearer token, one "
        "connection per submitter) instead of calling the engine in this process",
    )
    parser.add_argument(
        "--web-workers",
        type=int,
        default=1,
        help="with --via-api: uvicorn worker processes (the Procfile starts one per core)",
    )
    parser.add_argument("--timeout", type=float, default=300, help="seconds per part")
    service_args(parser, database="workfuse_bench", redis_db=13)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    inline_modes = [True, False] if args.compare_inline else [not args.no_inline]
    with throwaway(args, "bench") as bench:

        def workers(env: dict[str, str]) -> Cluster:
            if not args.via_api:
                return Cluster(
                    env, args.workers, bench.queue, bench.tmp, args.pool, args.concurrency
                )
            return WebCluster(
                *(env, args.workers, bench.queue, bench.tmp, args.pool, args.concurrency),
                web_workers=args.web_workers,
            )

        def measured(env: dict[str, str], part: Callable[[Cluster, Meter], Result]) -> Result:
            with running(workers(env)) as cluster:
                meter = Meter(bench.admin_url, args.database, bench.redis_url, cluster)
                result = part(cluster, meter)
            result.usage = meter.usage()
            print(result.row(), flush=True)
            return result

        results: list[Result] = []
        sizes = [int(n) for n in args.batch_sizes.split(",")]
        for inline, size in itertools.product(inline_modes, sizes):
            name = f"WorkFuse, inline successor {'on' if inline else 'off'}, batch {size}"
            env = {
                **os.environ,
                "WORKFUSE_INLINE_SUCCESSOR": "1" if inline else "0",
                "WORKFUSE_BATCH_SIZE": str(size),
            }
            print(f"{name}: {args.executions} executions on {args.workers} workers ...", flush=True)
            results.append(
                measured(
                    env,
                    lambda cluster, meter, name=name: bench_workfuse(
                        name, bench.owner, args, cluster, meter
                    ),
                )
            )
        if not args.no_baseline:
            print(f"raw Celery chain: {args.executions} chains ...", flush=True)
            results.append(
                measured({**os.environ}, lambda cluster, meter: bench_chain(args, cluster, meter))
            )
        report(results, args)


def report(results: list[Result], args: argparse.Namespace) -> None:
    cmd = " ".join([".venv/bin/python bench/engine.py", *sys.argv[1:]])
    print(
        f"\n{cmd}\n{args.workers} worker processes ({args.pool} pool, concurrency "
        f"{args.concurrency} each), {args.submitters} submitting thread(s), {STEPS} steps per run\n"
    )
    print(HEADER)
    for r in results:
        print(r.row())
    print()
    print(COST_HEADER)
    for r in results:
        print(r.cost_row())
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nload average at the end: {load} (1, 5, 15 min)")
    base = next((r for r in results if r.name == "raw Celery chain"), None)
    if base is not None:
        print()
        for r in results:
            if r is not base:
                ratio = r.step_overhead_ms / base.step_overhead_ms
                print(f"per-step overhead {r.name} / raw chain: {ratio:.2f}x")


if __name__ == "__main__":
    run(main)
