"""Synchronous webhooks, side by side with n8n in one run: the ratios the targets are set in.

    .venv/bin/python bench/webhooks_vs_n8n.py [--n 800] [--runs 2] [--modes queue,embedded]
                                              [--n8n-prefix /tmp/n8n-bench | --no-n8n]
                                              [--interleave]

The workflow is n8n's W2 from ../shared/bench/n8n/: a webhook answering with the last node's
output → set `n` and `tag` → code (`c = n*2+1`) → set `done`. WorkFuse's is the same shape
(`trigger.webhook` with `response: last_node` → transform → code → transform). Each system is
driven alone, one after the other, by the same command: `hey -n N -c C -m POST -T
application/json -d '{"n": 7}'`, after a warm-up of 100 requests at c=4, at c=1 and c=16, `--runs`
times each. n8n is installed once with the README in ../shared/bench/n8n (into `--n8n-prefix`)
and run by its `n8n_w2.sh` (legacy expression engine, SQLite, regular mode). With
`--interleave`, n8n is started the way that script starts it, every system is up at once (the
others idle) and each `hey` run goes to each system in turn, so that a drift of the machine's
speed during the run falls on all of them alike.

WorkFuse runs as an operator would start it:
- `queue`: the Procfile's processes with their defaults (uvicorn web, a Celery worker, beat)
  against a throwaway PostgreSQL database and a private Redis database;
- `embedded`: `manage.py serve` (what `make run` starts) with SQLite in a temporary folder.

Every answer must be 200 with the last node's output, or the run fails. One JSON line per run,
then the ratios against the targets (docs/performance.md). Stops what it started and drops
what it created, Ctrl-C included.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED_N8N = ROOT.parent / "shared" / "bench" / "n8n"
PYTHON = sys.executable
BODY = '{"n": 7}'
# `utility.transform` answers {result: ...}; the values are n8n's.
EXPECTED = {"result": {"n": 7, "tag": "bench", "c": 15, "done": True}}

GRAPH = {
    "nodes": [
        {
            "id": "hook",
            "type": "trigger.webhook",
            "config": {"methods": ["POST"], "response": "last_node"},
        },
        {
            "id": "set_n",
            "type": "utility.transform",
            "config": {"expression": "{n: body.n, tag: 'bench'}"},
        },
        {
            "id": "code",
            "type": "action.code",
            "config": {"code": "const v = input.result; return {...v, c: v.n * 2 + 1};"},
        },
        {
            "id": "set_done",
            "type": "utility.transform",
            "config": {"expression": "merge(result, {done: `true`})"},
        },
    ],
    "edges": [
        {"source": "hook", "target": "set_n"},
        {"source": "set_n", "target": "code"},
        {"source": "code", "target": "set_done"},
    ],
}

SETUP = """
import json, os
from django.contrib.auth import get_user_model
from editor.models import Workflow
owner = get_user_model().objects.create_user("bench", "bench@example.com", "x")
workflow = Workflow.create(owner, "W2", graph=json.loads(os.environ["BENCH_GRAPH"]))
workflow.is_active = True
workflow.save()
print("TOKEN", workflow.webhook_token)
"""


def hey(url: str, n: int, c: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            *("hey", "-n", str(n), "-c", str(c), "-m", "POST", "-T", "application/json"),
            *("-d", BODY, "-o", "csv", url),
        ],
        capture_output=True,
        text=True,
        timeout=1200,
        check=True,
    ).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    latencies = sorted(float(r["response-time"]) * 1000 for r in rows)
    starts = [float(r["offset"]) for r in rows]
    wall = max(s + float(r["response-time"]) for s, r in zip(starts, rows, strict=True)) - min(
        starts
    )

    def q(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    return {
        "n": len(rows),
        "req_s": round(len(rows) / wall, 1),
        "p50": q(0.5),
        "p95": q(0.95),
        "p99": q(0.99),
        "non2xx": sum(1 for r in rows if int(r["status-code"]) >= 300),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_answering(url: str, timeout: float = 120) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            response = httpx.post(url, content=BODY, headers={"Content-Type": "application/json"})
            if response.status_code == 200 and response.json() == EXPECTED:
                return
            last = (response.status_code, response.text[:300])
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer as expected: {last}")


def one_run(system: str, url: str, n: int, c: int, run: int) -> dict[str, Any]:
    """One `hey` run, printed as a JSON line; every answer must have been 2xx."""
    result = {**hey(url, n, c), "system": system, "conc": c, "run": run}
    result["load1"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result), flush=True)
    if result["non2xx"]:
        raise RuntimeError(f"{system}: {result['non2xx']} answers were not 2xx")
    return result


def measure(system: str, url: str, n: int, runs: int) -> list[dict[str, Any]]:
    wait_answering(url)
    hey(url, 100, 4)  # warm-up
    return [one_run(system, url, n, c, run) for c in (1, 16) for run in range(runs)]


@contextmanager
def cleaned_up(processes: Processes, tmp: Path) -> Iterator[None]:
    """Their logs' tails printed if what runs inside fails; the processes stopped and `tmp`
    removed in any case."""
    try:
        yield
    except BaseException:
        print(processes.tails(), file=sys.stderr)
        raise
    finally:
        processes.stop()
        shutil.rmtree(tmp, ignore_errors=True)


class Processes:
    def __init__(self, tmp: Path, env: dict[str, str]):
        self.tmp, self.env, self.procs = tmp, env, []  # type: ignore[var-annotated]

    def start(self, name: str, command: str) -> None:
        log = (self.tmp / f"{name}.log").open("w")
        self.procs.append(
            subprocess.Popen(
                ["bash", "-c", command],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    def tails(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}"
            for log in sorted(self.tmp.glob("*.log"))
        )

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def procfile(port: int) -> dict[str, str]:
    """The Procfile's commands, as an operator's process manager would run them."""
    commands = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip():
            commands[name.strip()] = command.strip()
    commands["web"] = commands["web"].replace("0.0.0.0", "127.0.0.1")
    return {name: f"export PORT={port}; exec {command}" for name, command in commands.items()}


def setup_workflow(env: dict[str, str]) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", SETUP],
        cwd=ROOT,
        env={**env, "BENCH_GRAPH": json.dumps(GRAPH)},
        capture_output=True,
        text=True,
        check=True,
    )
    return next(line.split()[1] for line in done.stdout.splitlines() if line.startswith("TOKEN"))


@contextmanager
def queue_mode(args: argparse.Namespace) -> Iterator[str]:
    tmp = Path(tempfile.mkdtemp(prefix="workfuse-sbs-"))
    database = f"workfuse_sbs_{uuid.uuid4().hex[:6]}"
    env = {
        **os.environ,
        "DATABASE_URL": f"{args.pg}/{database}",
        "REDIS_URL": f"{args.redis}/{args.redis_db}",
        "WORKFUSE_QUEUE": f"sbs-{uuid.uuid4().hex[:6]}",
        "WORKFUSE_DATA_DIR": str(tmp),
        "WORKFUSE_WEBHOOK_RATE": "100000/s",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_LOG_LEVEL": "WARNING",
        "PATH": f"{Path(PYTHON).parent}:{os.environ['PATH']}",  # the Procfile's uvicorn, celery
    }
    admin = f"{args.pg}/postgres"
    psql(admin, f'CREATE DATABASE "{database}"')
    processes = Processes(tmp, env)
    try:
        subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        token = setup_workflow(env)
        port = free_port()
        for name, command in procfile(port).items():
            processes.start(name, command)
        yield f"http://127.0.0.1:{port}/hooks/{token}"
    except BaseException:
        print(processes.tails(), file=sys.stderr)
        raise
    finally:
        processes.stop()
        psql(admin, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def embedded_mode(args: argparse.Namespace) -> Iterator[str]:
    tmp = Path(tempfile.mkdtemp(prefix="workfuse-sbs-embedded-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")} | {
        "WORKFUSE_DATA_DIR": str(tmp),
        "WORKFUSE_WEBHOOK_RATE": "100000/s",
        "LOG_LEVEL": "WARNING",
    }
    processes = Processes(tmp, env)
    with cleaned_up(processes, tmp):
        subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        token = setup_workflow(env)
        port = free_port()
        processes.start("serve", f"exec {PYTHON} manage.py serve --port {port}")
        yield f"http://127.0.0.1:{port}/hooks/{token}"


def psql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def n8n(args: argparse.Namespace) -> list[dict[str, Any]]:
    out = Path(tempfile.mkdtemp(prefix="n8n-sbs-"))
    done = subprocess.run(
        ["bash", str(SHARED_N8N / "n8n_w2.sh"), str(out)],
        env={**os.environ, "N8N_PREFIX": args.n8n_prefix, "N": str(args.n), "RUNS": str(args.runs)},
        capture_output=True,
        text=True,
        timeout=3600,
        check=True,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    results = [r for r in lines if "system" in r]  # the script also prints its test answer
    for result in results:
        print(json.dumps(result), flush=True)
    return results


@contextmanager
def n8n_running(args: argparse.Namespace) -> Iterator[str]:
    """n8n started as ../shared/bench/n8n/n8n_w2.sh starts it (its env.sh, a fresh SQLite, the
    W2 workflow imported and active, legacy expressions), kept running for `--interleave`."""
    env = {**os.environ, "N8N_PREFIX": args.n8n_prefix, "N8N_EXPRESSION_ENGINE": "legacy"}
    shared = str(SHARED_N8N)
    port = subprocess.run(
        ["bash", "-c", f'. "{shared}/env.sh"; echo "$N8N_PORT"'],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    tmp = Path(tempfile.mkdtemp(prefix="n8n-sbs-"))
    processes = Processes(tmp, env)
    workflow = f"{shared}/workflows/w2_lastnode.json"
    processes.start(
        "n8n",
        f'. "{shared}/env.sh"; rm -rf "$N8N_USER_FOLDER"; mkdir -p "$N8N_USER_FOLDER"; '
        f'"$N8N_BIN" import:workflow --input="{workflow}"; '
        '"$N8N_BIN" update:workflow --id=benchW2lastNd002 --active=true; exec "$N8N_BIN" start',
    )
    url = f"http://127.0.0.1:{port}/webhook/bench-w2"
    import httpx

    with cleaned_up(processes, tmp):
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.post(url, json={"n": 7}, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        else:
            raise RuntimeError(f"n8n did not answer at {url}")
        yield url


def interleaved(args: argparse.Namespace, modes: list[str]) -> list[dict[str, Any]]:
    """Every system up at once and measured in turn, run after run: this machine's speed drifts
    by up to 1.5x within minutes, and measuring one system after the other put such a drift
    between n8n's figures and WorkFuse's (docs/performance.md, "Eighteenth session")."""
    with ExitStack() as stack:
        urls = {"n8n-1.123.81-legacy": stack.enter_context(n8n_running(args))}
        for mode in modes:
            mode_context = queue_mode if mode == "queue" else embedded_mode
            urls[f"workfuse-{mode}"] = stack.enter_context(mode_context(args))
        for system, url in urls.items():
            if system.startswith("workfuse"):
                wait_answering(url)  # checks WorkFuse's answer; n8n answered in n8n_running
            hey(url, 100, 4)  # warm-up
        return [
            one_run(system, url, args.n, c, run)
            for c in (1, 16)
            for run in range(args.runs)
            for system, url in urls.items()
        ]


def best(results: list[dict[str, Any]], system: str, conc: int, key: str, low: bool) -> float:
    values = [r[key] for r in results if r["system"].startswith(system) and r["conc"] == conc]
    return min(values) if low else max(values)


def ratios(results: list[dict[str, Any]], modes: list[str]) -> None:
    """Each system's best run against n8n's best, as the targets are stated."""
    n8n_p50 = best(results, "n8n", 1, "p50", True)
    n8n_rps = best(results, "n8n", 16, "req_s", False)
    n8n_p99 = best(results, "n8n", 16, "p99", True)
    print(f"n8n: c=1 p50 {n8n_p50} ms; c=16 {n8n_rps} req/s, p99 {n8n_p99} ms")
    for mode in modes:
        system = f"workfuse-{mode}"
        p50 = best(results, system, 1, "p50", True)
        rps = best(results, system, 16, "req_s", False)
        p99 = best(results, system, 16, "p99", True)
        print(
            f"{system}: c=1 p50 {p50} ms = {p50 / n8n_p50:.2f}x n8n's; "
            f"c=16 {rps} req/s = {rps / n8n_rps:.2f}x n8n's, p99 {p99} ms = {p99 / n8n_p99:.2f}x"
        )
    print(
        "targets: queue c=1 p50 <= 0.5x, c=16 req/s >= 3x with p99 <= 0.33x; "
        "embedded c=1 p50 <= 1x, c=16 req/s >= 1x"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=800, help="requests per run (hey -n)")
    parser.add_argument("--runs", type=int, default=2, help="runs per concurrency")
    parser.add_argument("--modes", default="queue,embedded", help="WorkFuse modes to measure")
    parser.add_argument("--n8n-prefix", default="/tmp/n8n-bench", help="where n8n is installed")
    parser.add_argument("--no-n8n", action="store_true", help="WorkFuse only (no ratios)")
    parser.add_argument(
        "--interleave",
        action="store_true",
        help="start every system first, then measure them in turn, run after run",
    )
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, default=12, help="flushed after the run")
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    print(
        json.dumps(
            {
                "machine": os.uname().nodename,
                "cores": os.cpu_count(),
                "date": time.strftime("%Y-%m-%d %H:%M"),
            }
        )
    )
    if args.interleave:
        results = interleaved(args, modes)
        ratios(results, modes)
        return 0
    results: list[dict[str, Any]] = [] if args.no_n8n else n8n(args)
    for mode in modes:
        with (queue_mode if mode == "queue" else embedded_mode)(args) as url:
            results += measure(f"workfuse-{mode}", url, args.n, args.runs)
    if not args.no_n8n:
        ratios(results, modes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
