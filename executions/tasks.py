"""Celery tasks: thin wrappers that hand ids to the engine."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_step_task(step_id: int) -> None:
    from executions import engine

    # When a finished step makes successors ready, this worker runs one of them next, already
    # claimed inside the checkpoint's transaction: no broker round trip, no second claim.
    # Under a backlog the task also adopts other waiting steps and runs the chains in rounds
    # that share a commit (`engine.claim_batch`).
    steps = engine.claim_batch(step_id)
    while steps:
        steps = engine.run_round(steps)


@shared_task(ignore_result=True)
def sweep_task() -> None:
    from executions import engine, schedules

    # Each on its own: a failing sweep must not stop schedules from firing, nor the reverse.
    try:
        engine.sweep()
    except Exception:
        log.exception("The engine sweep failed")
    try:
        schedules.fire_due()
    except Exception:
        log.exception("Firing due schedules failed")
