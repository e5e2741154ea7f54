"""Keep-alive connections spread evenly over the web processes (`uvicorn --workers N`).

uvicorn's worker processes share one listening socket, and the one that wakes first accepts
every connection waiting, so a burst of keep-alive callers (a proxy's upstream pool, a load
generator) lands unevenly: 16 connections were split 11/5, 9/7 and 8/8 between two processes
in three tries. A connection stays with the process that accepted it, and each process answers
its own callers at its own pace, so the crowded process's callers waited about twice as long as
the others' for as long as the connections lasted (docs/performance.md, "Connections spread
evenly").

Each worker process publishes how many connections it holds on a small board in shared memory,
one slot per process, named after the supervisor's pid. A process holding at least
two connections more than its least busy sibling answers one request with
`Connection: close`: the caller reconnects, and the new connection goes to whichever process
accepts first, most often a less busy one. That repeats until the split is even; an even split
sheds nothing. Served without `--workers` (or by another server) there is no sibling, and
nothing is ever shed.

`uvicorn --http workfuse.web_protocol:BalancedHttpToolsProtocol` joins the board and counts the
connections (the Procfile does); `/hooks/` asks `should_close()` before each answer.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import math
import mmap
import multiprocessing
import os
import struct
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

SLOTS = 64
_SLOT = struct.Struct("ii")  # pid, connections held
_SIZE = SLOTS * _SLOT.size
_LIVENESS_SECONDS = 1.0


def over_share(mine: int, others: list[int]) -> bool:
    """Whether a process holding `mine` connections, beside siblings holding `others`, should
    give one up: two more than its least busy sibling (one more is as even as a total that does
    not divide can be)."""
    return bool(others) and mine - min(others) >= 2


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Board:
    """The processes' connection counts, in a file of `SLOTS` (pid, count) slots mapped into
    each process's memory. Reads and writes of one slot are single 8-byte copies; a count read
    mid-update is at worst one connection off, which only delays a decision by one answer."""

    def __init__(self, path: Path, pid: int | None = None) -> None:
        self.pid = pid or os.getpid()
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        with self._locked():
            if os.fstat(self._fd).st_size < _SIZE:
                os.ftruncate(self._fd, _SIZE)
            self._map = mmap.mmap(self._fd, _SIZE)
            self.slot = self._claim()
        self._siblings: list[int] = []
        self._checked = -math.inf

    def publish(self, connections: int) -> None:
        if self.slot >= 0:
            _SLOT.pack_into(self._map, self.slot * _SLOT.size, self.pid, connections)

    def others(self) -> list[int]:
        """The connection counts of the other live processes on this board."""
        now = time.monotonic()
        if now - self._checked > _LIVENESS_SECONDS:
            self._siblings = [
                i for i in range(SLOTS) if i != self.slot and (pid := self._pid(i)) and _alive(pid)
            ]
            self._checked = now
        return [_SLOT.unpack_from(self._map, i * _SLOT.size)[1] for i in self._siblings]

    def release(self) -> None:
        if self.slot >= 0:
            with self._locked():
                _SLOT.pack_into(self._map, self.slot * _SLOT.size, 0, 0)
            self.slot = -1

    def _pid(self, slot: int) -> int:
        pid: int = _SLOT.unpack_from(self._map, slot * _SLOT.size)[0]
        return pid

    def _claim(self) -> int:
        """A free slot (or one a dead process left); -1 if all 64 are taken: then this process
        takes no part, which only means its connections are never shed."""
        for i in range(SLOTS):
            pid = self._pid(i)
            if pid in (0, self.pid) or not _alive(pid):
                _SLOT.pack_into(self._map, i * _SLOT.size, self.pid, 0)
                return i
        return -1

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)


class Process:
    """This process's connections: how many are open, and how many it has asked to close
    that have not closed yet (they count as gone, so one crowded moment sheds one connection
    per surplus, not one per answer)."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.open = 0
        self.closing = 0

    def opened(self) -> None:
        self.open += 1
        self.board.publish(self.open)

    def closed(self) -> None:
        self.open -= 1
        self.closing = max(0, self.closing - 1)
        self.board.publish(self.open)

    def should_close(self) -> bool:
        if over_share(self.open - self.closing, self.board.others()):
            self.closing += 1
            return True
        return False


_process: Process | None = None


def should_close() -> bool:
    """Whether the answer being sent should close its connection (see the module docstring).
    Always False in a process that did not `join()` a board."""
    return _process is not None and _process.should_close()


def join() -> None:
    """Put this process on its siblings' board if it is one of several worker processes of a
    supervisor (uvicorn starts them with multiprocessing); a single server process has no
    sibling to balance against, and stays off."""
    global _process
    parent = multiprocessing.parent_process()
    if _process is not None or parent is None or parent.pid is None:
        return
    path = board_path(parent.pid)
    _remove_stale(path.parent)
    _process = Process(Board(path))
    atexit.register(_process.board.release)


def board_path(supervisor: int) -> Path:
    """In the data folder, which only WorkFuse's own user writes to (a shared temporary folder
    would let another user plant the file)."""
    folder = Path(settings.DATA_DIR) / "web"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"board-{supervisor}"


def _remove_stale(folder: Path) -> None:
    """Boards of supervisors that are gone (a board is 512 bytes, but one is left per start)."""
    for board in folder.glob("board-*"):
        supervisor = board.name.removeprefix("board-")
        if supervisor.isdigit() and not _alive(int(supervisor)):
            board.unlink(missing_ok=True)


def opened() -> None:
    if _process is not None:
        _process.opened()


def closed() -> None:
    if _process is not None:
        _process.closed()
