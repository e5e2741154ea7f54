"""The sweeps (every second, by beat): due timers woken, dead workers' steps taken back.

Safe to run in several processes at once: every change is conditional (the gate writes it only
where the step is still as the sweep saw it), and claiming a step is idempotent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from executions import dispatch
from executions.engine import gate
from executions.engine.advance import advance
from executions.engine.outcomes import failed
from executions.models import Execution, Step
from executions.plan import plan_for

S = Step.Status
E = Execution.Status
BATCH = 1000  # steps per kind and sweep; the next sweep, a second later, takes the rest


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Wake due timers, take back expired leases, re-send lost dispatches."""
    now = now or timezone.now()
    due = Step.objects.filter(status=S.WAITING, wake_at__lte=now, execution__status=E.RUNNING)
    woken = gate.apply(
        gate.Move(
            list(_with_execution(due)[:BATCH]),
            {"status": S.PENDING, "dispatched_at": now},
            were=(S.WAITING,),
        )
    )
    running = Step.objects.filter(status=S.RUNNING, lease_expires_at__lt=now)
    expired = [
        step.pk
        for step in _with_execution(running)[:BATCH]
        if _take_back(step, now, expired_before=now)
    ]
    stale_before = now - timedelta(seconds=settings.WORKFUSE_REDISPATCH_SECONDS)
    stale = list(
        Step.objects.filter(
            status=S.PENDING, dispatched_at__lt=stale_before, execution__status=E.RUNNING
        ).values_list("pk", flat=True)[:BATCH]
    )
    # Sent again, still pending: not a change of status.
    Step.objects.filter(pk__in=stale).update(dispatched_at=now)
    dispatch.send([*(s.pk for s in woken), *expired, *stale], wakeup=True)
    return {"woken": len(woken), "expired": len(expired), "redispatched": len(stale)}


def recover_after_restart() -> int:
    """Embedded mode only (one process does all the work): whatever was running or queued when
    the process stopped is gone with it, so take it back at once instead of waiting for leases
    to expire (a step that was running counts as interrupted). Returns how many steps were
    sent to the worker again."""
    now = timezone.now()
    for step in _with_execution(Step.objects.filter(status=S.RUNNING)):
        _take_back(step, now)
    ready = list(
        Step.objects.filter(status=S.PENDING, execution__status=E.RUNNING).values_list(
            "pk", flat=True
        )
    )
    Step.objects.filter(pk__in=ready).update(dispatched_at=now)
    dispatch.send(ready)
    return len(ready)


def _with_execution(steps: QuerySet[Step]) -> QuerySet[Step]:
    """The steps with their execution (its live events need the workflow), without its trigger
    data and overrides, which can be large."""
    return steps.select_related("execution").defer(
        "execution__trigger_data", "execution__overrides"
    )


def _interruptions(step: Step) -> int:
    return sum(1 for a in step.attempts if a.get("status") == "interrupted")


def _take_back(step: Step, now: datetime, *, expired_before: datetime | None = None) -> bool:
    """A running step whose worker is gone: back to pending with the interrupted attempt
    recorded (True: dispatch it), unless its worker stopped `WORKFUSE_MAX_INTERRUPTIONS` times
    in a row: then it fails, so a node that takes its worker down (a V8 fatal error, memory
    exhaustion) cannot take down every worker in turn; its node's `on_error` still applies.
    With `expired_before`, only if its lease still ended before then (it may have moved on)."""
    interruptions = _interruptions(step) + 1
    again = interruptions < settings.WORKFUSE_MAX_INTERRUPTIONS
    message = (
        "The worker running this step stopped; it is run again."
        if again
        else f"The worker running this step stopped {interruptions} times (crashed or was "
        "killed), so it is not run again. Check the node for work that can exhaust a worker's "
        "memory (WORKFUSE_MAX_INTERRUPTIONS)."
    )
    record = {
        "attempt": step.attempt,
        "status": "interrupted",
        "finished_at": now.isoformat(),
        "error": message,
    }
    if again:
        values: gate.StepValues = {
            "status": S.PENDING,
            "lease_owner": "",
            "lease_expires_at": None,
            "dispatched_at": now,
            "attempts": [*step.attempts, record],
        }
        return bool(
            gate.apply(gate.Move([step], values, were=(S.RUNNING,), expired_before=expired_before))
        )
    plan = plan_for(
        step.execution.version_id,
        lambda: step.execution.version.graph,
        step.execution.trigger_node,
    )
    values = {
        **failed(plan.nodes[step.node_id], message, [*step.attempts, record], now),
        "lease_owner": "",
    }
    with transaction.atomic():
        step.execution = Execution.objects.select_for_update().get(pk=step.execution_id)
        moved = gate.apply(
            gate.Move([step], values, were=(S.RUNNING,), expired_before=expired_before)
        )
        if moved and step.execution.status == E.RUNNING:
            advance(step.execution)
    return False
