"""Celery tasks: thin wrappers that hand ids to the engine."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from django.core.cache import cache
from django.utils import timezone
from kombu.exceptions import KombuError

log = logging.getLogger(__name__)


class WakeUp(Task):
    """A task whose sending never raises. A message only wakes a worker for a step the database
    already holds as pending, and the sweep re-sends a pending step whose dispatch is older than
    WORKFUSE_REDISPATCH_SECONDS; so a broker that is down delays a run instead of failing the
    request that committed it (sends happen in `on_commit`, after the 202 is decided)."""

    def apply_async(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().apply_async(*args, **kwargs)
        except (KombuError, OSError) as exc:  # kombu wraps connection errors in OperationalError
            log.warning(
                "Could not send %s%s to the broker (%s); the sweep sends it again.",
                self.name,
                kwargs.get("args") or (args[0] if args else ""),
                exc,
            )
            return None


@shared_task(base=WakeUp, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_step_task(step_id: int) -> None:
    from executions import engine

    # When a finished step makes successors ready, this worker runs one of them next, already
    # claimed inside the checkpoint's transaction: no broker round trip, no second claim.
    # Under a backlog the task also adopts other waiting steps and runs the chains in rounds
    # that share a commit (`engine.claim_batch`).
    steps = engine.claim_batch(step_id)
    while steps:
        steps = engine.run_round(steps)


@shared_task(base=WakeUp, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def report_failure_task(execution_id: str) -> None:
    from executions import engine

    # Starts the error workflow at most once however often this runs (a duplicate delivery,
    # the sweep racing it): the mark is cleared in the transaction that starts it.
    engine.report_failure(execution_id)


# --- devtools: trigger.poll ---
@shared_task(base=WakeUp, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def poll_task(poll_id: int, claim: str) -> None:
    from executions import polls

    # Polls once whatever the delivery count: a duplicate finds its claim used up.
    polls.run(poll_id, claim)


# --- end devtools ---


@shared_task(ignore_result=True)
def sweep_task() -> None:
    from editor.models import SeenItem
    from executions import engine, polls, schedules

    # Each on its own: a failing sweep must not stop schedules from firing, nor the reverse.
    try:
        engine.sweep()
    except Exception:
        log.exception("The engine sweep failed")
    try:
        schedules.fire_due()
    except Exception:
        log.exception("Firing due schedules failed")
    # --- devtools ---
    try:
        polls.send_due()
    except Exception:
        log.exception("Sending due polls failed")
    # --- end devtools ---
    try:
        # Once a minute across every beat process (the cache is shared in queue mode).
        if cache.add("workfuse:forget-seen-items", True, timeout=60):
            SeenItem.forget_expired(timezone.now())
    except Exception:
        log.exception("Forgetting expired dedupe items failed")
