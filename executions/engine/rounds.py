"""A task's work: claim steps, run them, commit each result alone or with its round's.

A result is committed before its successor starts. A task with one step commits it in its own
transaction; a task with several (a backlog it adopted) runs one step of each chain, keeps the
results (`StepResult`), and commits them together, the executions locked in id order.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from executions import completion, step_sql
from executions.engine import fastpath, gate
from executions.engine.advance import advance, dispatch, finished_of
from executions.engine.leases import LEASES
from executions.engine.outcomes import StepResult
from executions.engine.running import run
from executions.engine.starting import settle_call
from executions.models import Execution, Step
from executions.statemachine import FINISHED

log = logging.getLogger(__name__)
S = Step.Status
E = Execution.Status


def claim(step_id: int) -> Step | None:
    """Claim a dispatched step for this worker, with its execution loaded; None when there is
    nothing to run (a duplicate delivery, a step already done, a paused execution)."""
    claimed = gate.apply(gate.Claim(step_id))
    if not claimed:
        return None
    step = claimed[0]
    if step.execution.status != E.RUNNING:  # paused (or finished) since dispatch: give it back
        given_back: gate.StepValues = {
            "status": S.PENDING,
            "attempt": step.attempt - 1,
            "lease_owner": "",
            "lease_expires_at": None,
        }
        gate.apply(gate.Held(step, given_back))
        return None
    step.known = {}
    return step


def claim_batch(step_id: int) -> list[Step]:
    """The steps a task starts with: its own (if it can still be claimed) and, when steps have
    been waiting for a worker longer than `WORKFUSE_ADOPT_AFTER_MS`, up to
    `WORKFUSE_BATCH_SIZE` in all, adopted from that backlog (oldest first; PostgreSQL only).

    An adopted step's own task later finds it claimed and does nothing. The batch runs in
    rounds (`run_round`) whose checkpoints share one commit."""
    own = claim(step_id)
    steps = [own] if own is not None else []
    room = settings.WORKFUSE_BATCH_SIZE - len(steps)
    if room > 0 and step_sql.can_adopt():
        waited = timezone.now() - timedelta(milliseconds=settings.WORKFUSE_ADOPT_AFTER_MS)
        for step in gate.apply(gate.Adopt(room, waited)):
            step.known = {}
            steps.append(step)
    return steps


def run_step(step_id: int) -> Step | None:
    """Run one step if it can be claimed. Returns a successor this worker has already claimed
    and should run next (`run_claimed`), if any."""
    step = claim(step_id)
    return run_claimed(step) if step is not None else None


def run_claimed(step: Step) -> Step | None:
    """Run a step this worker holds the lease of and commit its result in its own transaction.
    Returns a successor created already claimed by this worker, to run next without a broker
    round trip (`WORKFUSE_INLINE_SUCCESSOR`), if any."""
    return commit(run(step))


def run_chain(
    step: Step | None,
    *,
    budget_seconds: float,
    until: Callable[[Step], bool] | None = None,
) -> Step | None:
    """Run a claimed step and then each successor handed to this process, one after another
    (each committed before the next starts), for up to `budget_seconds`, or until `until`
    holds for the step just committed: a successor claimed after that goes back to the queue,
    so a long run leaves the web process that started it. Waits (delays, retry back-offs) end
    the chain by themselves: they hold no thread. Returns the last step it ran, as committed
    (its `execution` too: finished or not)."""
    deadline = time.monotonic() + budget_seconds
    last = None
    while step is not None:
        last, successor = step, run_claimed(step)
        if successor is not None and (
            time.monotonic() > deadline or (until is not None and until(last))
        ):
            give_back(successor)
            break
        step = successor
    return last


def give_back(step: Step) -> None:
    """Return a step this process claimed but will not run to the queue."""
    values: gate.StepValues = {
        "status": S.PENDING,
        "attempt": step.attempt - 1,
        "lease_owner": "",
        "lease_expires_at": None,
        "dispatched_at": timezone.now(),
    }
    with transaction.atomic():
        if gate.apply(gate.Held(step, values)):
            dispatch([step.pk])


def run_round(steps: Sequence[Step]) -> list[Step]:
    """Run one step of each chain in `steps` (claimed by this worker), then commit all their
    results in one transaction: each is durable before its successor starts, and the commit's
    cost is shared. Returns the successors claimed for the next round."""
    if len(steps) == 1:
        successor = run_claimed(steps[0])
        return [successor] if successor is not None else []
    results: list[StepResult] = []
    try:
        with LEASES.holding(*(s.id for s in steps)):
            for step in steps:
                results.append(run(step))
    finally:
        # What ran is committed even if a later step of the round raised.
        successors = commit_round(results)
    return successors


def commit(result: StepResult) -> Step | None:
    """Commit one step's result and what follows from it, in its own transaction: one
    statement in a straight chain on PostgreSQL (`fastpath`), else the general checkpoint."""
    fused = fastpath.commit(result)
    if fused is not None:
        return _handed_over(result.step, fused.claimed)
    with transaction.atomic():
        claimed = _store(result)
    return _handed_over(result.step, claimed)


def commit_round(results: list[StepResult]) -> list[Step]:
    """Commit a round's results in one transaction. If that fails (a deadlock between
    executions, say), each is committed on its own instead, so one bad step cannot lose the
    others' results."""
    if not results:
        return []
    # Executions are locked in id order, as every transaction that locks several does.
    results = sorted(results, key=lambda r: r.step.execution_id)
    try:
        with transaction.atomic():
            # One statement locks the round's executions. A second step of the same execution
            # reads its status again: the first one's checkpoint may have finished it.
            locked = step_sql.lock_executions([r.step.execution_id for r in results])
            claimed = [_store(r, status=locked.pop(r.step.execution_id, None)) for r in results]
    except DatabaseError:
        if len(results) == 1:
            raise
        log.warning("A shared checkpoint failed; committing its steps one by one", exc_info=True)
        claimed = []
        for r in results:
            try:
                with transaction.atomic():
                    claimed.append(_store(r))
            except DatabaseError:
                # As if its worker had died: once its lease expires the sweep takes it back.
                log.exception("Step %s could not be checkpointed", r.step.pk)
                claimed.append(None)
    handed = [_handed_over(r.step, c) for r, c in zip(results, claimed, strict=True)]
    return [s for s in handed if s is not None]


def _store(result: StepResult, *, status: str | None = None) -> Step | None:
    """A checkpoint's statements; the caller holds the transaction. `status` is the
    execution's, when the caller has locked its row already."""
    step, execution = result.step, result.step.execution
    # Lock the row and read only its status: the rest of the execution does not change
    # while it runs (and trigger data can be large).
    status = status or step_sql.lock_execution(execution.pk)
    if status is None:  # deleted while the step ran, its steps with it
        return None
    execution.status = status
    values, advances = result.values, result.advance
    if status == E.CANCELLED:
        values = {
            "status": S.CANCELLED,
            "finished_at": timezone.now(),
            "lease_expires_at": None,
            "error": "Cancelled while running; the result was discarded.",
        }
        advances = False
    calls = result.call is not None and status != E.CANCELLED
    if not (_store_call(result) if calls else gate.apply(gate.Held(step, values))):
        log.warning("Step %s lost its lease before finishing; its result is discarded", step.pk)
        return None
    if result.answer is not None and status != E.CANCELLED:
        _answer(execution, step, result.answer)
    if result.after_store is not None and status != E.CANCELLED:
        result.after_store()
    if not (advances and status == E.RUNNING):
        return None
    return advance(execution, claim=settings.WORKFUSE_INLINE_SUCCESSOR, finished=step)


def _answer(execution: Execution, step: Step, answer: dict[str, Any]) -> None:
    """A logic.respond step's answer goes to the waiting webhook caller if it is the run's
    first: recorded on the execution (its row is locked, so two respond steps cannot both be
    first) and announced once the transaction commits."""
    first = Execution.objects.filter(pk=execution.pk, answered_by="").update(answered_by=step.key)
    if first:
        execution.answered_by = step.key
        key = execution.pk
        transaction.on_commit(lambda: completion.announce_answer(key, answer))


def _store_call(result: StepResult) -> bool:
    """A calling step's checkpoint: its child started (or looked at) and its values stored in
    one savepoint, so that when the step can no longer be stored (its lease was lost) no child
    is started either (docs/control-flow.md, "Sub-workflows")."""
    with transaction.atomic():
        settled = settle_call(result)
        stored = bool(gate.apply(gate.Held(result.step, settled.values)))
        if not stored:
            transaction.set_rollback(True)
    return stored


def _handed_over(step: Step, claimed: Step | None) -> Step | None:
    """Pass what this worker knows of the execution's finished steps on to its successor."""
    if claimed is not None:
        if step.status in FINISHED:
            step.known[step.key] = finished_of(step)
        claimed.known = step.known
    return claimed
