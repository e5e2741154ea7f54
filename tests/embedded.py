"""WorkFuse as `make run` serves it, for tests that need a real server process: `manage.py serve`
(embedded mode: SQLite, in-process worker and beat) in a data directory of the test's own."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def embedded_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment without the services (so embedded mode is chosen), with its
    data in `data_dir`, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG")}
    return {**env, "WORKFUSE_DATA_DIR": str(data_dir), **extra}


def manage(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    """Run a management command; its last line of output (the shell prints a notice first)."""
    out = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=timeout,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1] if out.strip() else ""


@dataclass(frozen=True)
class Server:
    url: str
    port: int
    log: Path


@contextmanager
def serving(
    env: dict[str, str], log: Path, *, port: int | None = None, wait: bool = True
) -> Iterator[Server]:
    """`manage.py serve` on a free port of 127.0.0.1 (or `port`), its output in `log`; with
    `wait`, once its home page answers. Stopped when the block ends."""
    port = port or free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while wait:
            try:
                urllib.request.urlopen(f"{url}/", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.2)
        yield Server(url, port, log)
    finally:
        process.terminate()
        process.wait(timeout=15)
