"""Small pools of sandbox processes that run action.code's JavaScript and Python outside the
calling process, one pool per language.

Each sandbox is a runner process, `code_runner.py` (JavaScript) or `python_runner.py` (Python;
see their docstrings for the protocol, which they share), started with `subprocess`, so a pool
works the same from a Celery prefork child, a uvicorn process or a thread of the embedded
worker. A sandbox serves one run at a time and is reused for `WORKFUSE_CODE_RUNS_PER_SANDBOX`
(`WORKFUSE_PYTHON_RUNS_PER_SANDBOX`) runs; at most `WORKFUSE_CODE_SANDBOXES`
(`WORKFUSE_PYTHON_SANDBOXES`) exist per process, and a run waits for a free one.

The parent is the judge of a run's limits: it kills the sandbox when the run goes past its time
limit plus `GRACE_SECONDS`, or when the sandbox's resident memory grows past its size before
the run plus `memory_mb` and the runner's headroom (checked every `WATCH_SECONDS`). A sandbox
that dies, or is killed, fails only its own run, and the pool starts a new one for the next.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import select
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from django.conf import settings

from editor.nodes import code_runner, python_runtime
from editor.nodes.base import NodeError

Language = Literal["javascript", "python"]

logger = logging.getLogger(__name__)

MB = 1024 * 1024
# Past the run's own time limit, which the runner enforces itself (and answers with the logs).
GRACE_SECONDS = 1.0
WATCH_SECONDS = 0.01
START_SECONDS = 30.0
EXIT_SECONDS = 1.0
SPARE_JOIN_SECONDS = 5.0  # closing waits this long for a sandbox starting in the background
STDERR_TAIL_BYTES = 4096
# A run of a workflow holding no sandbox, waiting this long while others hold them all, starts
# one more (up to OVERFLOW per pool; `_Pool._acquire`).
OVERFLOW_WAIT_SECONDS = 0.25
OVERFLOW = 2
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
# What V8, its allocator and Python print when an allocation fails under the runner's cap.
_OUT_OF_MEMORY_SIGNS = ("out of memory", "mmap error: 12", "cannot allocate memory", "memoryerror")


@dataclass(frozen=True)
class Runner:
    """A kind of sandbox: its runner's command line, the memory a run may add to it beyond
    `memory_mb` (the runner's own estimate), and the settings that size its pool."""

    name: str  # in messages: "The JavaScript sandbox did not start"
    command: Callable[[], list[str]]
    headroom_mb: Callable[[], int]  # read at each run
    sandboxes_setting: str
    runs_setting: str
    extra: dict[str, Any]  # added to every request's header


def _python_command() -> list[str]:
    compiled = python_runtime.installed(Path(settings.WORKFUSE_PYTHON_DIR))
    if compiled is None:
        raise NodeError(
            "Python code can't run here: this server's Python runtime is not installed. "
            "Run `make setup` (it fetches and prepares it; see docs/python-code.md)."
        )
    return [sys.executable, "-I", _PYTHON_RUNNER, str(compiled)]


# The Python runner's path, not the module: importing it would load wasmtime in this process.
_PYTHON_RUNNER = str(Path(__file__).with_name("python_runner.py"))
# What a Python run may add to its runner beyond `memory_mb`: the interpreter's initial memory
# (10 MB), the next interpreter starting beside it, and the reply on its way out (up to 5 MB of
# JSON, in WebAssembly memory and in the runner's).
PYTHON_HEADROOM_MB = 64
RUNNERS: dict[Language, Runner] = {
    "javascript": Runner(
        "JavaScript",
        lambda: [sys.executable, "-I", code_runner.__file__],
        lambda: code_runner.HEADROOM_MB,
        "WORKFUSE_CODE_SANDBOXES",
        "WORKFUSE_CODE_RUNS_PER_SANDBOX",
        {},
    ),
    "python": Runner(
        "Python",
        _python_command,
        lambda: PYTHON_HEADROOM_MB,
        "WORKFUSE_PYTHON_SANDBOXES",
        "WORKFUSE_PYTHON_RUNS_PER_SANDBOX",
        # The runner imports nothing of WorkFuse: code_runner.py's caps travel with the request.
        {
            "limits": {
                "logLines": code_runner.MAX_LOG_LINES,
                "logChars": code_runner.MAX_LOG_CHARS,
                "logsTruncated": code_runner.LOGS_TRUNCATED,
                "resultBytes": code_runner.MAX_RESULT_BYTES,
            }
        },
    ),
}


def run(
    code: str,
    timeout_ms: int,
    memory_mb: int,
    globals_json: str,
    n8n: bool = False,
    language: Language = "javascript",
    reuse: str | None = None,
) -> dict[str, Any]:
    """Run `code` in a sandbox of `language`; returns the runner's reply, or a `kind` of
    `timeout`, `memory` or `crashed` for a sandbox that had to be killed or died. With `n8n`,
    the code runs with n8n's names (the globals carry their data as `__n8n`). Runs with the same
    `reuse` key (one workflow's) may share a JavaScript isolate while it stays as fresh as a new
    one (`code_runner.Kept`); without one, each run has an isolate of its own."""
    runner = RUNNERS[language]
    request: dict[str, Any] = {"code": code, "timeout_ms": timeout_ms, "memory_mb": memory_mb}
    request.update(runner.extra)
    if n8n:
        request["n8n"] = True
    if reuse is not None:
        request["reuse"] = reuse  # the Python runner has no isolates to keep, and ignores it
    header = json.dumps(request)
    return _pool(language).run(
        header.encode() + b"\n" + globals_json.encode() + b"\n", timeout_ms, memory_mb, reuse
    )


class _Sandbox:
    """One runner process, used by one thread at a time."""

    def __init__(self, runner: Runner) -> None:
        self.runs = 0
        self.runner = runner
        self.reuse: str | None = None  # the key of its last run, whose isolate it may keep
        command = runner.command()
        # stderr goes to a file of its own, read only when the process dies: V8 and Python
        # say there why (and a pipe nobody reads could fill up and block the runner).
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in forget())
        try:
            self.process = subprocess.Popen(  # noqa: S603 (our own runner, no shell)
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                cwd="/",
                env={},  # none of the server's secrets
                start_new_session=True,  # a Ctrl-C of the server must not hit a run mid-way
            )
        except OSError as exc:  # out of processes or memory for now
            self._stderr.close()
            message = f"The {runner.name} sandbox did not start: {exc}"
            raise NodeError(message, retryable=True) from exc
        self._poller = select.poll()  # not select(): the server may hold more than 1024 files
        assert self.process.stdout is not None
        self._replies = self.process.stdout.fileno()
        self._poller.register(self._replies, select.POLLIN)
        try:
            ready = self._read(None)
        except _Stopped as stop:
            ready = stop.kind.encode()
        if ready != b'{"ready": true}\n':
            self.stop()
            raise NodeError(
                f"The {runner.name} sandbox did not start: {self._last_words(0)}", retryable=True
            )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, request: bytes, timeout_ms: int, memory_mb: int) -> tuple[dict[str, Any], bool]:
        """Returns the reply and whether this sandbox can serve another run."""
        self.runs += 1
        allowance = (memory_mb + self.runner.headroom_mb()) * MB
        rss, data_size = self._memory()
        watch = _Watch(
            deadline=time.monotonic() + timeout_ms / 1000 + GRACE_SECONDS,
            rss_cap=rss + allowance,
            data_cap=data_size + allowance,
        )
        stderr_start = os.fstat(self._stderr.fileno()).st_size
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(request)
            self.process.stdin.flush()
            line = self._read(watch)
        except (OSError, _Stopped) as exc:  # OSError: it died since it last answered
            kind = exc.kind if isinstance(exc, _Stopped) else "crashed"
            if kind == "crashed":
                kind = self._died(stderr_start, watch)
            return {"ok": False, "kind": kind, "logs": []}, False
        try:
            reply = json.loads(line)
        except ValueError:
            reply = None
        if not isinstance(reply, dict):
            return {"ok": False, "kind": "interfered", "logs": []}, False
        # A run stopped at a limit leaves the process behind it: the runner exits after the
        # ones it stopped itself, and one that hit the memory cap is not trusted again.
        return reply, reply.get("kind") not in ("timeout", "memory")

    def stop(self, wait: float = 0.0) -> None:
        """End the process (after `wait` seconds for it to leave on its own) and reap it."""
        if wait and self.process.stdin is not None:
            try:
                self.process.stdin.close()  # the runner leaves when its requests end
                self.process.wait(wait)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.process.kill()
        self.process.wait()
        self.forget()

    def forget(self) -> None:
        """Close this side's pipes and file (alone: in a forked child, whose sandbox it isn't)."""
        for stream in (self.process.stdin, self.process.stdout, self._stderr):
            if stream is not None:
                with suppress(OSError):  # a request left unsent to a dead runner
                    stream.close()

    def _read(self, watch: _Watch | None) -> bytes:
        """The next line from the runner; raises _Stopped when it ends otherwise."""
        deadline = watch.deadline if watch else time.monotonic() + START_SECONDS
        data = bytearray()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.process.kill()
                raise _Stopped("timeout")
            if self._poller.poll(min(left, WATCH_SECONDS) * 1000):
                chunk = os.read(self._replies, 1 << 20)
                if not chunk:
                    raise _Stopped("crashed")
                data += chunk
                if data.endswith(b"\n"):  # a reply is one line, and the last thing sent
                    return bytes(data)
            if watch is not None:
                rss, data_size = self._memory()
                watch.peak_data = max(watch.peak_data, data_size)
                if rss > watch.rss_cap:
                    self.process.kill()
                    raise _Stopped("memory")

    def _memory(self) -> tuple[int, int]:
        """The runner's resident memory and data segment, in bytes (zeros once it is gone)."""
        try:
            with open(f"/proc/{self.process.pid}/statm", "rb") as statm:
                fields = statm.read().split()
            return int(fields[1]) * _PAGE_BYTES, int(fields[5]) * _PAGE_BYTES
        except (OSError, IndexError, ValueError):
            return 0, 0

    def _died(self, stderr_start: int, watch: _Watch) -> str:
        """Why a sandbox died during a run: `memory` or `crashed`.

        Running out of memory under the JavaScript runner's cap kills V8, sometimes with a
        message on stderr and sometimes silently (PartitionAlloc traps); a data segment seen at
        the cap tells the silent case apart from a crash.
        """
        try:
            self.process.wait(EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
        last_words = self._last_words(stderr_start)
        logger.warning(
            "A %s sandbox died during a run (exit %s): %s",
            self.runner.name,
            self.process.poll(),
            last_words,
        )
        said_so = any(sign in last_words.lower() for sign in _OUT_OF_MEMORY_SIGNS)
        at_cap = watch.peak_data > watch.data_cap - code_runner.NEAR_LIMIT_BYTES
        return "memory" if said_so or at_cap else "crashed"

    def _last_words(self, start: int) -> str:
        size = os.fstat(self._stderr.fileno()).st_size
        start = max(start, size - STDERR_TAIL_BYTES)
        # pread leaves the file position the runner writes at alone.
        text = os.pread(self._stderr.fileno(), size - start, start).decode(errors="replace")
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith(" ")]
        return " | ".join(lines[-12:]) or "no message"


@dataclass
class _Watch:
    """One run's limits as the parent checks them (memory in bytes), and the largest data
    segment seen."""

    deadline: float
    rss_cap: int
    data_cap: int
    peak_data: int = 0


class _Stopped(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind  # "timeout", "memory" (killed by the parent) or "crashed"


@dataclass(eq=False)
class _Waiter:
    reuse: str | None
    since: float


class _Pool:
    """At most `size` sandboxes, and up to `OVERFLOW` more for runs of a workflow that holds
    none while others hold them all (see `_acquire`)."""

    def __init__(self, runner: Runner, size: int, runs_per_sandbox: int) -> None:
        self.runner = runner
        self.size = max(1, size)
        self.runs_per_sandbox = max(1, runs_per_sandbox)
        self._changed = threading.Condition()
        self._idle: list[_Sandbox] = []
        self._all: set[_Sandbox] = set()
        self._starting = 0
        self._closed = False
        self._waiting: list[_Waiter] = []
        self._held: Counter[str | None] = Counter()  # sandboxes in use, by the runs' key
        self._spares: set[threading.Thread] = set()  # starting sandboxes in the background

    def run(
        self, request: bytes, timeout_ms: int, memory_mb: int, reuse: str | None = None
    ) -> dict[str, Any]:
        sandbox = self._acquire(reuse)
        reusable = False
        try:
            reply, reusable = sandbox.run(request, timeout_ms, memory_mb)
            sandbox.reuse = reuse
        finally:
            self._release(sandbox, reusable, reuse)
        return reply

    def close(self) -> None:
        """Stop every sandbox: idle ones leave on their own, busy ones are killed."""
        with self._changed:
            self._closed = True
            idle, busy = list(self._idle), self._all - set(self._idle)
            self._idle.clear()
            self._all.clear()
            self._changed.notify_all()
        for sandbox in busy:
            sandbox.stop()
        for sandbox in idle:
            sandbox.stop(wait=EXIT_SECONDS)
        # A sandbox still starting in the background is stopped by its thread once it is up:
        # wait for that, so that none outlives this process unreaped (at exit, say).
        with self._changed:
            spares = list(self._spares)
        for spare in spares:
            spare.join(SPARE_JOIN_SECONDS)

    def forget(self) -> None:
        for sandbox in self._all:
            sandbox.forget()

    def _acquire(self, reuse: str | None = None) -> _Sandbox:
        """A sandbox for a run with key `reuse` (its workflow's).

        When every sandbox is busy, freed ones go round the workflows that wait (`_place`): a
        flood of slow runs of one workflow (a webhook caller's, say) cannot keep another
        workflow's steps waiting behind all of it. And the first waiting run of a workflow that
        holds none, still waiting after `OVERFLOW_WAIT_SECONDS`, starts a sandbox of its own
        beyond `size` (at most `OVERFLOW` of those at once, each leaving after its run), so that
        its wait is not the other runs' time limit."""
        me = _Waiter(reuse, time.monotonic())
        with self._changed:
            self._waiting.append(me)
            try:
                sandbox = self._wait_for_one(me)
            finally:
                self._waiting.remove(me)
                self._changed.notify_all()  # the next in line may take what this one did not
            if sandbox is not None:
                self._held[reuse] += 1
                return sandbox
            self._starting += 1
        self._fill()
        try:
            sandbox = _Sandbox(self.runner)
        except BaseException:
            with self._changed:
                self._starting -= 1
                self._changed.notify_all()
            raise
        with self._changed:
            self._starting -= 1
            self._all.add(sandbox)
            self._held[reuse] += 1
        return sandbox

    def _wait_for_one(self, me: _Waiter) -> _Sandbox | None:
        """An idle sandbox for `me`, or None when `me` may start one (`_changed` is held)."""
        while True:
            if self._closed:
                message = f"The {self.runner.name} sandboxes are shutting down"
                raise NodeError(message, retryable=True)
            places = len(self._all) + self._starting
            if min(self._waiting, key=self._place) is me:
                while self._idle:
                    # One whose last run had the same key: it may have kept its isolate.
                    # Otherwise the one idle longest: a sandbox just handed back may still be
                    # making its next isolate (about 2 ms), the others have theirs ready.
                    same = [s for s in self._idle if me.reuse is not None and s.reuse == me.reuse]
                    sandbox = same[0] if same else self._idle[0]
                    self._idle.remove(sandbox)
                    if sandbox.alive:
                        return sandbox
                    self._all.discard(sandbox)
                    sandbox.stop()  # died while idle (killed from outside): only reap it
                if places < self.size:
                    return None
            if self._place(me)[0] == 0 and places < self.size + OVERFLOW:
                overflow_in = me.since + OVERFLOW_WAIT_SECONDS - time.monotonic()
                if overflow_in <= 0:
                    return None
                self._changed.wait(overflow_in)
            else:
                self._changed.wait()

    def _place(self, waiter: _Waiter) -> tuple[int, float]:
        """The order in which waiters are served: first the runs whose workflow holds or
        awaits the fewest sandboxes (counting the same workflow's runs waiting longer), then
        the one waiting longest. So freed sandboxes go round the workflows that wait."""
        ahead = 0
        for other in self._waiting:
            if other is waiter:
                break
            ahead += other.reuse == waiter.reuse
        return self._held[waiter.reuse] + ahead, waiter.since

    def _release(self, sandbox: _Sandbox, reusable: bool, reuse: str | None = None) -> None:
        with self._changed:
            self._held[reuse] -= 1
            if self._held[reuse] <= 0:
                del self._held[reuse]
            keep = reusable and not self._closed and sandbox in self._all
            keep = keep and not self._worn(sandbox) and len(self._all) <= self.size
            if keep:
                self._idle.append(sandbox)
            else:
                self._all.discard(sandbox)
            self._changed.notify_all()
        if not keep:
            sandbox.stop()
            self._replace()

    def _worn(self, sandbox: _Sandbox) -> bool:
        """Whether a sandbox has served its runs and leaves now. Not while another of the pool
        is being replaced (up to twice its runs): sandboxes taken in turn reach their count
        together, and leaving together left a web process without one for the 0.2 to 0.3 s a
        start takes, every step queued meanwhile (`_changed` is held)."""
        if sandbox.runs < self.runs_per_sandbox:
            return False
        return self._starting == 0 or sandbox.runs >= 2 * self.runs_per_sandbox

    def _fill(self) -> None:
        """A run starting a sandbox itself (the pool's first, or after a crash) starts the
        pool's other free places in the background: when more runs come at once (load rising)
        they find sandboxes ready instead of each waiting for one to start."""
        while self._replace():
            pass

    def _replace(self) -> bool:
        """Start a sandbox in the background for one that left, so that no run waits for a
        process to start (0.2 to 0.3 s: Python, then V8): before, the run that next found no idle
        sandbox started one itself, and every caller queued behind it waited too. False when the
        pool is full (or closed)."""
        with self._changed:
            if self._closed or len(self._all) + self._starting >= self.size:
                return False
            self._starting += 1
        spare = threading.Thread(target=self._start_spare, name="code-sandbox-start", daemon=True)
        with self._changed:
            self._spares.add(spare)
        spare.start()
        return True

    def _start_spare(self) -> None:
        try:
            sandbox = _Sandbox(self.runner)
        except Exception as exc:  # the next run that needs one starts it, and reports why
            logger.warning("A replacement %s sandbox did not start: %s", self.runner.name, exc)
            sandbox = None
        with self._changed:
            self._starting -= 1
            if sandbox is not None and not self._closed:
                self._all.add(sandbox)
                self._idle.append(sandbox)
                sandbox = None
            self._changed.notify_all()
        if sandbox is not None:  # the pool closed meanwhile
            sandbox.stop()
        with self._changed:
            self._spares.discard(threading.current_thread())


_pools: dict[Language, _Pool] = {}
_pools_lock = threading.Lock()


def shutdown() -> None:
    """Stop this process's sandboxes (at exit); a later run starts new pools."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()


def _pool(language: Language) -> _Pool:
    with _pools_lock:
        pool = _pools.get(language)
        if pool is None:
            runner = RUNNERS[language]
            size = getattr(settings, runner.sandboxes_setting)
            pool = _pools[language] = _Pool(runner, size, getattr(settings, runner.runs_setting))
        return pool


def _after_fork() -> None:
    # The sandboxes belong to the process that started them; a forked child starts its own.
    global _pools_lock
    for pool in _pools.values():
        pool.forget()
    _pools.clear()
    _pools_lock = threading.Lock()


atexit.register(shutdown)
os.register_at_fork(after_in_child=_after_fork)
