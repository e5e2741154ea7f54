"""How a ready step (or a failure's error report) reaches a worker: a Celery message in queue
mode, a thread of this process in embedded mode.

The database holds every ready step as pending before anything is sent, and the sweep re-sends
a step whose dispatch went stale, so a send is only a wake-up. Embedded mode (`manage.py serve`
without REDIS_URL) starts a pool of worker threads and a sweeper thread in the web process:
a step is handed to a thread directly, with no broker and no polling interval in between.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import close_old_connections

from executions import tasks

log = logging.getLogger(__name__)

SWEEP_SECONDS = 1.0
_pool: ThreadPoolExecutor | None = None


def send(step_ids: Iterable[int], *, wakeup: bool = False) -> None:
    """Wake a worker for each step (`wakeup`: a due timer or a re-send, on the sweep's own
    queue in queue mode so a backlog of new work never delays it)."""
    pool = _pool
    for step_id in step_ids:
        if pool is not None:
            pool.submit(_work, step_id)
        elif wakeup:
            tasks.run_step_task.apply_async((step_id,), queue=settings.WORKFUSE_WAKEUP_QUEUE)
        else:
            tasks.run_step_task.delay(step_id)


def send_error_report(execution_id: Any) -> None:
    """Wake a worker to start the error workflow of a failed execution marked
    `error_report_due` (executions/engine/error_workflows.py); the sweep starts it if this
    wake-up is lost."""
    pool = _pool
    if pool is not None:
        pool.submit(_report, str(execution_id))
    else:
        tasks.report_failure_task.delay(str(execution_id))


# --- devtools: trigger.poll ---
def send_poll(poll_id: int, claim: str) -> None:
    """Hand a claimed poll (executions/polls.py) to a worker: its request never runs in beat."""
    pool = _pool
    if pool is not None:
        pool.submit(_poll, poll_id, claim)
    else:
        tasks.poll_task.delay(poll_id, claim)


def _poll(poll_id: int, claim: str) -> None:
    try:
        tasks.poll_task.run(poll_id, claim)
    except Exception:  # the claim runs out and the sweep sends the poll again
        log.exception("Poll %s failed", poll_id)
    finally:
        close_old_connections()


# --- end devtools ---


def start_embedded(threads: int) -> None:
    """Run steps in `threads` threads of this process, and the sweep every second."""
    global _pool
    _pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="embedded-worker")
    log.info("Embedded worker started (%d threads)", threads)
    threading.Thread(target=_sweep_forever, name="embedded-beat", daemon=True).start()
    log.info("Embedded beat started")


def _work(step_id: int) -> None:
    try:
        tasks.run_step_task.run(step_id)
    except Exception:  # a step's own failures are checkpointed; this is a bug or a lost DB
        log.exception("Running step %s failed; the sweep takes it back", step_id)
    finally:
        close_old_connections()


def _report(execution_id: str) -> None:
    try:
        tasks.report_failure_task.run(execution_id)
    except Exception:  # the mark stays: the sweep reports it
        log.exception("Reporting the failure of execution %s failed", execution_id)
    finally:
        close_old_connections()


def _sweep_forever() -> None:
    stop = threading.Event()
    while not stop.wait(SWEEP_SECONDS):
        try:
            tasks.sweep_task.run()
        finally:
            close_old_connections()
