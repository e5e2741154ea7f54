"""A CPU-time budget for a block of pure-Python work in the calling thread.

Used for user templates: a loop nested three deep over a few thousand items is valid Jinja and
runs for minutes. One watchdog thread reads the CPU clock of each thread inside a budget and,
when the budget is spent, raises `BudgetExceeded` in that thread (`PyThreadState_SetAsyncExc`).
The exception is delivered between bytecodes, so it interrupts Python loops but not one long C
call: work a single C call could make large (big integers, padding, repetition) must be capped
where it is asked for. The clock is the thread's own CPU time, so a busy machine does not make
a render time out that would have finished.
"""

from __future__ import annotations

import ctypes
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

POLL_SECONDS = 0.02


class BudgetExceeded(BaseException):
    """Raised inside the thread whose budget ran out. A BaseException, so that code catching
    `Exception` on the way (Jinja's runtime, say) does not swallow it."""


@dataclass
class _Entry:
    thread_id: int
    clock: int
    limit: float  # CPU seconds of the thread's clock at which the budget is spent
    fired: bool = False


class _Watchdog:
    def __init__(self) -> None:
        self._entries: dict[int, _Entry] = {}
        self._tokens = itertools.count()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, seconds: float) -> int:
        thread_id = threading.get_ident()
        clock = time.pthread_getcpuclockid(thread_id)
        entry = _Entry(thread_id, clock, time.clock_gettime(clock) + seconds)
        with self._lock:
            token = next(self._tokens)
            self._entries[token] = entry
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="cpu-budget", daemon=True)
                self._thread.start()
        self._wake.set()
        return token

    def stop(self, token: int) -> bool:
        """End a budget; True if it ran out. A raise the watchdog scheduled but the thread has
        not reached yet is withdrawn, so it cannot land in the caller's later code."""
        with self._lock:
            entry = self._entries.pop(token, None)
            if entry is not None and entry.fired:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(entry.thread_id), ctypes.py_object()
                )
        return entry is not None and entry.fired

    def watching(self, thread_id: int) -> bool:
        """Whether a budget of that thread is being watched."""
        with self._lock:
            return any(e.thread_id == thread_id for e in self._entries.values())

    def _run(self) -> None:
        while True:
            self._wake.wait()
            with self._lock:
                for token, entry in list(self._entries.items()):
                    try:
                        spent = time.clock_gettime(entry.clock)
                    except OSError:  # its thread is gone: nothing left to stop
                        del self._entries[token]
                        continue
                    if not entry.fired and spent >= entry.limit:
                        entry.fired = True
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(
                            ctypes.c_ulong(entry.thread_id), ctypes.py_object(BudgetExceeded)
                        )
                if not self._entries:
                    self._wake.clear()
            time.sleep(POLL_SECONDS)


_WATCHDOG = _Watchdog()
_depth = threading.local()


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Run the block with at most `seconds` of this thread's CPU time; past that it raises
    `BudgetExceeded`. Nested budgets in one thread are covered by the outermost one, while the
    watchdog watches it: a thread that believes itself inside a budget nobody watches (an end
    cut short) starts a new one instead of running unbounded."""
    if getattr(_depth, "value", 0) and _WATCHDOG.watching(threading.get_ident()):
        _depth.value += 1
        try:
            yield
        finally:
            _depth.value -= 1
        return
    _depth.value = 1
    token = _WATCHDOG.start(seconds)
    fired = False
    try:
        yield
    except BudgetExceeded:
        fired = True
    finally:
        # The raise the watchdog scheduled may land anywhere in here (it is delivered between
        # bytecodes), also after the block's own work ended. Each step is retried through it:
        # a half-done end once left a thread "inside" a budget nobody watched (`_depth` stuck
        # at 1), so every later budget of that thread counted as nested and never stopped.
        # stop() withdraws what is still pending, so at most one raise arrives here.
        while True:
            try:
                fired = _WATCHDOG.stop(token) or fired
                _depth.value = 0
                break
            except BudgetExceeded:
                fired = True
    if fired:
        raise BudgetExceeded
