"""A chain's checkpoint, and a run's start, as one statement on PostgreSQL.

The general checkpoint (`rounds.commit`) is a transaction of its own: BEGIN, lock the
execution's row, store the step, ask the state machine, insert what became ready, COMMIT. Each
of those is a round trip to PostgreSQL, and in a short synchronous webhook's run they are most
of the time the request takes. In the common case (a step of a straight chain succeeded: its
sole successor becomes ready, or the run is over) what follows is known from the plan before
anything is sent (`follows`), so the checkpoint is sent as one statement in autocommit
(`gate.Checkpoint`): it locks the execution's row only if the run is still running, stores the
step only if this worker still holds it, and writes the successor (or the run's end) only if
the step was stored. It writes all of that or nothing; when it writes nothing (the run was
paused, cancelled or deleted meanwhile, the step was taken over) or the case does not hold,
the general path runs as before and decides under the lock. Every guarantee stays
(docs/engine.md, "One statement per chain step"): the result is committed before its successor
starts, the row lock orders checkpoints, a lost lease discards the result.

Starting a run is likewise one statement when the trigger hands over to a sole successor: the
execution, its finished trigger step and the first step (claimed or pending) inserted together.

SQLite (embedded mode) keeps the general path.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from executions import events, step_sql
from executions.engine import advance, gate
from executions.engine.advance import claim_new, finished_of, new_step, state_of
from executions.engine.gate import StepValues
from executions.engine.outcomes import StepResult
from executions.engine.running import run_trigger
from executions.models import Execution, Step
from executions.plan import Plan, plan_for
from executions.statemachine import StepState, sole_successor

S = Step.Status
E = Execution.Status


@dataclass(frozen=True)
class Next:
    """What follows a finished step without reading the other steps: `successor` (a node id,
    which is also its step's key: no loop is involved) becomes ready, or, when None, the run
    has succeeded."""

    successor: str | None


@dataclass(frozen=True)
class Done:
    """The fast path wrote the checkpoint (or the start); `claimed` is the successor created
    already claimed by this worker, to run next, if any."""

    claimed: Step | None


def follows(plan: Plan, finished: StepState) -> Next | None:
    """What `statemachine.decide` would answer once `finished` has succeeded, when the plan
    alone tells it (property-tested against `decide`): its node's sole successor becomes ready
    and nothing else changes (`sole_successor`), or it is the last node of a straight line and
    the run has succeeded. None otherwise (and for any step that did not succeed: failures,
    handled or not, take the general path)."""
    if finished.status != S.SUCCEEDED:
        return None
    target = sole_successor(plan, finished)
    if target is not None:
        return Next(target)
    return Next(None) if ends_line(plan, finished.node_id) else None


def ends_line(plan: Plan, node_id: str) -> bool:
    """Whether `node_id` is the last node of a plan that is one straight line: every other
    node hands over to its sole successor (`plan.chained`: no branch, merge, loop, repeat or
    disabled node), and this one is plain and has no successor. Then a step of it can only run
    once every other node's step has finished and none failed unhandled (each was created when
    the one before it finished, and only a failure handled by `on_error: continue` lets a
    chain go on), so when it succeeds the run has succeeded."""
    node = plan.nodes[node_id]
    if plan.successors.get(node_id) or node.loops or node.disabled:
        return False
    if node.node_type.body_handle is not None:
        return False
    return all(other in plan.chained for other in plan.nodes if other != node_id)


def enabled() -> bool:
    """On PostgreSQL, unless `WORKFUSE_FUSED_CHECKPOINTS` is off (to compare with the general
    path, which every case falls back to anyway)."""
    return step_sql.can_fuse() and settings.WORKFUSE_FUSED_CHECKPOINTS


def commit(result: StepResult) -> Done | None:
    """Commit a step's result in one statement when the case allows (`follows`); None when it
    wrote nothing, and the caller then takes the general path."""
    step, values = result.step, result.values
    plain = result.advance and result.call is None and result.answer is None
    if not (plain and result.after_store is None and enabled()):
        return None
    execution = step.execution
    plan = plan_for(execution.version_id, lambda: execution.version.graph, execution.trigger_node)
    after = follows(plan, _state_after(step, values))
    if after is None:
        return None
    now = timezone.now()
    if after.successor is None:
        return _finish(result, now)
    successor = new_step(execution, after.successor, after.successor, S.PENDING, now)
    if settings.WORKFUSE_INLINE_SUCCESSOR:
        claim_new(successor, now)
    # Only as a transaction of its own: inside a caller's, it would relax the caller's commit.
    relaxed = plan.nodes[step.node_id].node_type.contained and connection.get_autocommit()
    with _one_statement(savepoint=True):
        if not gate.apply(gate.Checkpoint(step, values, successor, relaxed=relaxed)):
            return None
        execution.status = E.RUNNING
        if successor.status == S.PENDING:
            advance.dispatch([successor.pk])  # the broker's seam, as in `advance`
    return Done(successor if successor.status == S.RUNNING else None)


def _finish(result: StepResult, now: datetime) -> Done | None:
    """The run's last step stored and the run finished (succeeded) in one statement. Left to
    the general path when its end does more than that: a concurrency limit admits the next
    run, a called run wakes its caller."""
    step = result.step
    execution = step.execution
    if execution.workflow.max_concurrency or execution.parent_id is not None:
        return None
    status, finished_at = execution.status, execution.finished_at
    execution.status, execution.finished_at = E.SUCCEEDED, now
    with _one_statement(savepoint=True):
        if not gate.apply(gate.Checkpoint(step, result.values)):
            execution.status, execution.finished_at = status, finished_at
            return None
        events.execution_changed(execution)
    return Done(None)


def start(execution: Execution, *, claim: bool) -> Done | None:
    """Insert a new running execution (not yet stored) with its trigger's step, finished here
    (`running.run_trigger`), and its first step (claimed by this worker with `claim`, else
    pending and sent after commit) in one statement, when the trigger hands over to a sole
    successor. None when the case does not hold; nothing is written then."""
    if not enabled():
        return None
    plan = plan_for(execution.version_id, lambda: execution.version.graph, execution.trigger_node)
    if plan.trigger not in plan.chained:
        return None
    now = timezone.now()
    trigger = new_step(execution, plan.trigger, plan.key(plan.trigger, ()), S.PENDING, now)
    run_trigger(plan.nodes[plan.trigger], trigger, execution, now)
    target = sole_successor(plan, state_of(trigger))
    if target is None:  # e.g. the payload was refused: the general path fails the run
        return None
    first = new_step(execution, target, target, S.PENDING, now)
    if claim:
        claim_new(first, now)
        first.known[trigger.key] = finished_of(trigger)
    # A run whose first step this process claims is a synchronous webhook's: nothing about it
    # is answered before a checkpoint that waits for the disk (its end, an answer, a hand-off
    # to the workers, a failure), and that makes the start durable too. Only as a transaction
    # of its own: inside a caller's (a delivery record's), it would relax the caller's commit.
    relaxed = claim and connection.get_autocommit()
    # As `starting._start`: no savepoint inside a caller's transaction (a webhook's delivery).
    with _one_statement(savepoint=False):
        gate.apply(gate.Create([trigger, first], execution=execution, relaxed=relaxed))
        events.execution_changed(execution)
        if not claim:
            advance.dispatch([first.pk])
    return Done(first if claim else None)


def _state_after(step: Step, values: StepValues) -> StepState:
    """The step as the state machine will read it once `values` are stored."""
    return StepState(
        key=step.key,
        node_id=step.node_id,
        status=values.get("status", step.status),
        handles=tuple(values.get("handles", step.handles) or ()),
        error_handled=values.get("error_handled", step.error_handled),
        items_total=values.get("items_total", step.items_total),
        items_started=step.items_started,
    )


@contextmanager
def _one_statement(*, savepoint: bool) -> Iterator[None]:
    """Outside a transaction the statement is its own (autocommit: no BEGIN, no COMMIT, and
    `on_commit` work runs as soon as it returns). Inside a caller's transaction it joins it as
    the general path would, with a savepoint where that path has one."""
    if connection.get_autocommit():
        yield
    else:
        with transaction.atomic(savepoint=savepoint):
            yield
