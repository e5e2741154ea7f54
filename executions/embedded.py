"""Embedded mode: the Celery worker and beat as threads of the web process.

Used by `manage.py serve` when no REDIS_URL is set. The broker is Celery's in-memory
transport, so the worker must live in the same process as the code that sends tasks.
"""

from __future__ import annotations

import logging
import threading

from celery import Celery
from celery.beat import EmbeddedService
from celery.worker import WorkController

log = logging.getLogger(__name__)


def start_worker(app: Celery, concurrency: int = 4) -> WorkController:
    app.finalize()
    app.set_current()
    app.set_default()
    worker = WorkController(
        app=app,
        pool="threads",
        concurrency=concurrency,
        hostname="embedded@workfuse",
        without_heartbeat=True,
        without_mingle=True,
        without_gossip=True,
        loglevel="INFO",
    )
    threading.Thread(target=worker.start, name="embedded-worker", daemon=True).start()
    log.info("Embedded worker started (%d threads)", concurrency)
    return worker


def start_beat(app: Celery) -> EmbeddedService:
    # The in-memory scheduler: every entry is a sweep of the database, so nothing is lost
    # by not persisting beat's own state.
    beat = EmbeddedService(app, thread=True, scheduler_cls="celery.beat:Scheduler")
    beat.start()
    log.info("Embedded beat started")
    return beat
