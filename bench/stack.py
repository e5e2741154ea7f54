"""What the queue-mode benchmarks share: a throwaway database, Redis database and queue, and the
processes (workers, beat, optionally the web server) they run against.

`throwaway(...)` sets the environment (this process is configured like the children), flushes
the Redis database, recreates and migrates the PostgreSQL database, sets Django up and yields a
`Bench` with a user to own the workflows; on exit, Ctrl-C and errors included, it closes the
connections, drops the database, flushes Redis and removes the temporary folder. `Cluster` and
`WebCluster` start the processes in their own process groups and stop them with their pools.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PYTHON = sys.executable
CELERY = str(Path(sys.executable).with_name("celery"))
UVICORN = str(Path(sys.executable).with_name("uvicorn"))
# The Procfile's HTTP protocol for several web processes (docs/performance.md, "Connections spread
# evenly").
BALANCED_HTTP = "workfuse.web_protocol:BalancedHttpToolsProtocol"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


# --- arguments and entry point -----------------------------------------------------------------


def service_args(parser: argparse.ArgumentParser, database: str, redis_db: int) -> None:
    """The options every queue-mode benchmark takes: where the services are and which throwaway
    database and Redis database number it may drop and flush."""
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL")
    parser.add_argument("--database", default=database, help="dropped and recreated")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="Redis server")
    parser.add_argument("--redis-db", type=int, default=redis_db, help="flushed before and after")


def run(main: Callable[[], int | None]) -> None:
    """Run a benchmark's `main`; SIGTERM and Ctrl-C still clean up (through `throwaway`)."""

    def on_sigterm(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        sys.exit(main() or 0)
    except KeyboardInterrupt:
        print("interrupted; processes stopped and the bench database dropped", file=sys.stderr)
        sys.exit(130)


# --- the throwaway environment -----------------------------------------------------------------


@dataclass
class Bench:
    queue: str
    tmp: Path
    admin_url: str
    redis_url: str
    owner: Any  # a user who owns the benchmark's workflows


@contextmanager
def throwaway(args: argparse.Namespace, name: str, **env: str) -> Iterator[Bench]:
    queue = f"{name}-{uuid.uuid4().hex[:8]}"
    redis_url = f"{args.redis}/{args.redis_db}"
    admin_url = f"{args.pg}/postgres"
    tmp = Path(tempfile.mkdtemp(prefix=f"workfuse-{name}-"))
    os.environ.update(
        {
            "DATABASE_URL": f"{args.pg}/{args.database}",
            "REDIS_URL": redis_url,
            "WORKFUSE_QUEUE": queue,
            "WORKFUSE_DATA_DIR": str(tmp),
            "SECRET_KEY": secrets.token_urlsafe(50),  # shared: a session made here is valid there
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "workfuse.settings",
            **env,
        }
    )
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    recreate_database(admin_url, args.database)
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

        owner = get_user_model().objects.create_user("bench", "bench@example.com", "x")
        yield Bench(queue, tmp, admin_url, redis_url, owner)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(admin_url, args.database)
        redis.Redis.from_url(redis_url).flushdb()
        shutil.rmtree(tmp, ignore_errors=True)


def admin_sql(admin_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)  # type: ignore[arg-type]


def recreate_database(admin_url: str, name: str) -> None:
    admin_sql(
        admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
    )


def drop_database(admin_url: str, name: str) -> None:
    admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- processes ---------------------------------------------------------------------------------


class Process:
    """A child in its own process group, so stopping it also stops its pool children."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path):
        self.name, self.log = name, log
        self._log_file = log.open("w")
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        if self.alive():
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
            except ProcessLookupError:
                pass
        self._log_file.close()


class Cluster:
    """`workers` Celery workers (`pool`, `concurrency` each, consuming every queue in
    `CELERY_TASK_QUEUES`) and one beat. Call after `django.setup()`."""

    def __init__(
        self,
        env: dict[str, str],
        workers: int,
        queue: str,
        tmp: Path,
        pool: str = "prefork",
        concurrency: int = 1,
    ):
        from django.conf import settings

        self.processes: list[Process] = []
        self.expected = workers
        queues = ",".join(q.name for q in settings.CELERY_TASK_QUEUES)
        try:
            self._start_more(env, tmp)
            for i in range(workers):
                self.processes.append(
                    Process(
                        f"worker{i}",
                        [
                            *(CELERY, "-A", "workfuse", "worker", "--pool", pool),
                            *("--concurrency", str(concurrency), "-Q", queues),
                            *("-n", f"bench{i}-{queue}@%h", "-I", "bench.chain_tasks"),
                            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                            *("--loglevel", "WARNING"),
                        ],
                        env,
                        tmp / f"worker{i}.log",
                    )
                )
            self.processes.append(
                Process(
                    "beat",
                    [
                        *(CELERY, "-A", "workfuse", "beat", "--loglevel", "WARNING"),
                        *("--schedule", str(tmp / "beat-schedule"), "--pidfile="),
                        *("--scheduler", "celery.beat:Scheduler"),
                    ],
                    env,
                    tmp / "beat.log",
                )
            )
        except BaseException:
            self.stop()
            raise

    def _start_more(self, env: dict[str, str], tmp: Path) -> None:
        """Other processes to start first (a subclass's)."""

    def check(self) -> None:
        for p in self.processes:
            if not p.alive():
                raise RuntimeError(f"{p.name} exited ({p.proc.returncode}):\n{p.tail()}")

    def wait_ready(self, timeout: float = 60) -> None:
        from workfuse.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check()
            if self.listening() and len(app.control.ping(timeout=0.5)) >= self.expected:
                return
            time.sleep(0.1)
        raise TimeoutError(f"processes not ready after {timeout} s")

    def listening(self) -> bool:
        return True

    def worker_groups(self) -> set[int]:
        return {p.proc.pid for p in self.processes if p.name.startswith("worker")}

    def stop(self) -> None:
        for p in self.processes:
            p.stop()


class WebCluster(Cluster):
    """A `Cluster` plus `uvicorn workfuse.asgi:application` on a free port (`web`), with
    `web_workers` worker processes as the Procfile starts it (its balanced HTTP protocol
    included) when that is more than one, else a single process."""

    def __init__(self, *args: Any, web_workers: int = 1, **kwargs: Any):
        self.web_workers = web_workers
        super().__init__(*args, **kwargs)

    def _start_more(self, env: dict[str, str], tmp: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        several = (
            ("--workers", str(self.web_workers), "--http", BALANCED_HTTP)
            if self.web_workers > 1
            else ()
        )
        self.web = Process(
            "web",
            [
                *(UVICORN, "workfuse.asgi:application", "--host", "127.0.0.1"),
                *("--port", str(self.port), "--lifespan", "off", "--no-access-log"),
                *("--log-level", "warning", "--timeout-graceful-shutdown", "3", *several),
            ],
            env,
            tmp / "web.log",
        )
        self.processes.append(self.web)

    def listening(self) -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0


C = TypeVar("C", bound=Cluster)


@contextmanager
def running(cluster: C) -> Iterator[C]:
    try:
        cluster.wait_ready()
        yield cluster
    finally:
        cluster.stop()
