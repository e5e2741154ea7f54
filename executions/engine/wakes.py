"""Waking a waiting step from outside: a resume URL was called, a called workflow finished.

A step that waits for something other than time (`utility.wait`, `action.workflow` with `wait`)
is WAITING, with a `wake_at` only for its timeout, and holds no worker. Whoever ends the wait
first records what the step needs (in its own table: the call that resumed it, the child
execution's end) and then calls `wake`: the step becomes pending and runs again, reads what was
recorded and finishes — the same claim, run and checkpoint as any step, as a `utility.delay`
finishes when its timer fires. A wake that finds the step no longer waiting does nothing.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from executions import dispatch
from executions.engine import gate
from executions.models import Execution, Step

S = Step.Status


def wake(execution_id: uuid.UUID | str, key: str) -> bool:
    """Make the waiting step `key` of the execution run again now (dispatched once the
    transaction commits). In a paused execution it only becomes due, so the sweep wakes it when
    the execution resumes. False when it was not waiting."""
    step = (
        Step.objects.select_related("execution")
        .defer("execution__trigger_data", "execution__overrides")
        .filter(execution_id=execution_id, key=key, status=S.WAITING)
        .first()
    )
    if step is None:
        return False
    now = timezone.now()
    if step.execution.status != Execution.Status.RUNNING:
        # Not a change of status: the sweep wakes due steps of running executions only.
        return bool(Step.objects.filter(pk=step.pk, status=S.WAITING).update(wake_at=now))
    woken = gate.apply(
        gate.Move([step], {"status": S.PENDING, "dispatched_at": now}, were=(S.WAITING,))
    )
    if woken:
        transaction.on_commit(lambda: dispatch.send([step.pk]))
    return bool(woken)
