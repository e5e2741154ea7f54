"""Django's SQLite backend with one writer at a time per database file, queued in this process.

Embedded mode runs the web server, the worker threads and the sweep in one process, all writing
to one SQLite file. SQLite lets one transaction write at a time; the others wait in its busy
handler, which sleeps and retries (1, 2, 5, 10 … up to 100 ms per sleep) rather than waking
when the lock is free. Under 16 concurrent webhook calls a waiting writer often slept well past
the moment the lock came free, which made the slowest answers 2 to 3 times the median
(docs/performance.md, "Embedded mode: writers queue in the process").

So a write transaction (`BEGIN IMMEDIATE`, Django's `atomic()` here) first takes this
process's lock for its file, and gives it back when it commits, rolls back or its connection
closes: a waiting thread starts the moment the writer before it is done. The lock is only an
addition: a thread that cannot get it within the connection's timeout goes on to SQLite's own
busy wait, as before, and writers in other processes still meet at SQLite's file lock.
In-memory databases (the tests' default) are left as they were.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db.backends.sqlite3 import base

_locks: dict[str, threading.RLock] = {}
_locks_guard = threading.Lock()


def writer_lock(name: str) -> threading.RLock:
    """The lock that queues this process's writers to the database file `name`."""
    with _locks_guard:
        return _locks.setdefault(name, threading.RLock())


# django-stubs leave out the private hooks overridden here.
_SQLiteWrapper: Any = base.DatabaseWrapper


class DatabaseWrapper(_SQLiteWrapper):
    _holding: threading.RLock | None = None

    def _writer_lock(self) -> threading.RLock | None:
        if self.transaction_mode != "IMMEDIATE" or self.is_in_memory_db():
            return None
        return writer_lock(str(self.settings_dict["NAME"]))

    def _start_transaction_under_autocommit(self) -> None:
        lock = self._writer_lock()
        if lock is not None and self._holding is None:
            timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
            if lock.acquire(timeout=timeout):
                self._holding = lock
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer()
            raise

    def _release_writer(self) -> None:
        lock, self._holding = self._holding, None
        if lock is not None:
            lock.release()

    def _commit(self) -> Any:
        try:
            return super()._commit()
        finally:
            self._release_writer()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()
        finally:
            self._release_writer()

    def _close(self) -> Any:
        try:
            return super()._close()
        finally:
            self._release_writer()
