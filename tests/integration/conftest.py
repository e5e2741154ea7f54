"""Queue mode for real: PostgreSQL, Redis, and `celery worker` / `celery beat` processes.

Each test gets its own Celery queue name, so workers never see another run's tasks; the
workers use the test database pytest-django created. Leases and re-dispatch are shortened so
recovery happens within seconds.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from workfuse.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
UVICORN = str(Path(sys.executable).with_name("uvicorn"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(
    predicate: Callable[[], Any], timeout: float = 30, interval: float = 0.1, what: str = ""
) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")


class Process:
    def __init__(self, args: list[str], env: dict[str, str], log: Path, ready: str | None):
        self.log = log
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if ready:
            wait_for(
                lambda: ready in log.read_text() or self.proc.poll() is not None,
                30,
                what=f"{ready} in {log}",
            )
            assert self.proc.poll() is None, log.read_text()[-3000:]

    def wait_for_log(self, text: str, timeout: float = 30) -> bool:
        """Wait until `text` is in the log or the process has exited; True if it still runs."""
        wait_for(
            lambda: text in self.log.read_text() or self.proc.poll() is not None,
            timeout,
            what=f"{text} in {self.log}",
        )
        return self.proc.poll() is None

    def kill(self) -> None:
        """kill -9 the whole process group: the main process and its pool children."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


class QueueMode:
    """Starts workers and beat against this test's database and a private queue."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.queue = f"it-{uuid.uuid4().hex[:10]}"
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
            f"{db['NAME']}",
            "WORKFUSE_QUEUE": self.queue,
            "WORKFUSE_STEP_LEASE_SECONDS": "3",
            "WORKFUSE_REDISPATCH_SECONDS": "3",
            "WORKFUSE_HTTP_ALLOW_PRIVATE": "1",
            "WORKFUSE_DATA_DIR": str(tmp),
            "CELERY_TASK_LOG_LEVEL": "INFO",  # readiness is read from beat's log
        }
        self.processes: list[Process] = []
        self.port, self.url = 0, ""  # the web server's, once `web()` started it
        self._old_queue = celery_app.conf.task_default_queue
        celery_app.conf.task_default_queue = self.queue

    def worker(self, concurrency: int = 2, name: str | None = None) -> Process:
        name = name or f"w{len(self.processes)}"
        process = Process(
            [
                CELERY,
                "-A",
                "workfuse",
                "worker",
                "-Q",
                f"{self.queue},{self.queue}.sweep,{self.queue}.wakeups",
                "-c",
                str(concurrency),
                "-n",
                f"{name}-{self.queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO",
            ],
            self.env,
            self.tmp / f"{name}.log",
            ready=" ready.",
        )
        self.processes.append(process)
        return process

    def beat(self) -> Process:
        process = Process(
            [
                CELERY,
                "-A",
                "workfuse",
                "beat",
                "-l",
                "INFO",
                "-s",
                str(self.tmp / "beat-schedule"),
                "--pidfile=",
                "--scheduler",
                "celery.beat:Scheduler",
            ],
            self.env,
            self.tmp / "beat.log",
            ready="beat: Starting",
        )
        self.processes.append(process)
        return process

    def web(self) -> Process:
        """`uvicorn workfuse.asgi:application` on a free port of 127.0.0.1, with the workers'
        environment and this process's SECRET_KEY (so sessions made here are valid there).
        Its address is `self.url`; WebSocket origins `http://127.0.0.1:<port>` are allowed."""
        from django.conf import settings

        env = {**self.env, "SECRET_KEY": settings.SECRET_KEY}
        for attempt in range(3):  # another process may take the free port before uvicorn does
            port = free_port()
            log = self.tmp / f"web{len(self.processes)}-{attempt}.log"
            args = [UVICORN, "workfuse.asgi:application", "--host", "127.0.0.1", "--port"]
            # A consumer closed right at connect can leave its channel-layer receive running, and
            # graceful shutdown then waits for it for ever: give up after 3 s.
            args += [str(port), "--lifespan", "off", "--timeout-graceful-shutdown", "3"]
            process = Process(args, env, log, None)
            self.processes.append(process)
            if process.wait_for_log("Uvicorn running on"):
                self.port, self.url = port, f"http://127.0.0.1:{port}"
                return process
            if "address already in use" not in log.read_text().lower():
                break
        raise AssertionError(f"uvicorn did not start:\n{log.read_text()[-3000:]}")

    def close(self) -> None:
        for process in self.processes:
            process.stop()
        celery_app.conf.task_default_queue = self._old_queue


@pytest.fixture
def queue_mode(transactional_db: Any, tmp_path: Path, settings: Any) -> Iterator[QueueMode]:
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.fail(
            "Integration tests need DATABASE_URL (PostgreSQL) and REDIS_URL; .ci/run sets both."
        )
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    mode = QueueMode(tmp_path)
    try:
        yield mode
    finally:
        mode.close()
        connection.close()  # new connections for the flush that follows
