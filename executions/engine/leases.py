"""Step leases: who holds a running step, until when, and the keeper that renews them."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from executions.models import Step

log = logging.getLogger(__name__)
_worker_id: tuple[int, str] | None = None


def worker_id() -> str:
    """Who holds a step's lease: unique per process (computed after fork, not at import)."""
    global _worker_id
    if _worker_id is None or _worker_id[0] != os.getpid():
        _worker_id = (os.getpid(), f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}")
    return _worker_id[1]


def lease_until(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.WORKFUSE_STEP_LEASE_SECONDS)


class LeaseKeeper:
    """Renews the leases of the steps this process is running, in one UPDATE every few seconds,
    so a long step is never taken over while its worker lives."""

    def __init__(self) -> None:
        self._running: Counter[int] = Counter()  # a round holds its steps while each runs
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @contextmanager
    def holding(self, *step_ids: int) -> Iterator[None]:
        self.add(*step_ids)
        try:
            yield
        finally:
            self.discard(*step_ids)

    def add(self, *step_ids: int) -> None:
        with self._lock:
            self._running.update(step_ids)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._renew_forever, name="lease-keeper", daemon=True
                )
                self._thread.start()

    def discard(self, *step_ids: int) -> None:
        with self._lock:
            for step_id in step_ids:
                self._running[step_id] -= 1
                if self._running[step_id] <= 0:
                    del self._running[step_id]

    def renew(self) -> int:
        with self._lock:
            ids = list(self._running)
        if not ids:
            return 0
        expires = lease_until(timezone.now())
        # Not a change of status (the gate's business): the step stays running, leased longer.
        return Step.objects.filter(
            pk__in=ids, status=Step.Status.RUNNING, lease_owner=worker_id()
        ).update(lease_expires_at=expires)

    def _renew_forever(self) -> None:
        interval = max(1.0, settings.WORKFUSE_STEP_LEASE_SECONDS / 3)
        stop = threading.Event()
        while not stop.wait(interval):
            try:
                self.renew()
            except Exception:
                log.exception("Could not renew step leases")
            finally:
                close_old_connections()


LEASES = LeaseKeeper()
