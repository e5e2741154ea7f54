"""What follows from the steps' states: the state machine's decisions applied, ready steps sent.

Call these while holding the execution row lock. They create the steps that became ready (or
skipped), finish loops, check the rounds of repeats (`repeats.end_round`), finish the execution,
admit the next execution a workflow's concurrency limit held back, and dispatch the ready steps
once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from editor.models import Workflow
from executions import dispatch as dispatch_steps
from executions import events, step_sql
from executions.engine import gate
from executions.engine.leases import lease_until, worker_id
from executions.engine.repeats import end_round
from executions.engine.running import Finished, run_trigger
from executions.engine.wakes import wake
from executions.models import Execution, Step
from executions.plan import Plan, parse_key, plan_for
from executions.statemachine import Decisions, StepState, decide, sole_successor

S = Step.Status
E = Execution.Status


def advance(
    execution: Execution,
    *,
    claim: bool = False,
    finished: Step | None = None,
    fresh: bool = False,
    ready: Sequence[int] = (),
) -> Step | None:
    """Apply what the state machine decides, and dispatch the steps that became ready (with
    `ready`, steps the caller made pending) after commit. With `claim`, one more ready step is
    created already claimed by this worker and returned (the caller runs it itself).
    `finished` is the step whose checkpoint this is: when it simply hands over to its sole
    successor, the other steps need not be read; nor when the execution is `fresh` (it has no
    steps yet)."""
    more, claimed = _apply(execution, claim=claim, finished=finished, fresh=fresh)
    dispatch([*ready, *more])
    return claimed


def dispatch(ready: list[int]) -> None:
    """Send ready steps to workers once the transaction commits."""
    if ready:
        transaction.on_commit(lambda: dispatch_steps.send(ready))


def _apply(
    execution: Execution, *, claim: bool, finished: Step | None = None, fresh: bool = False
) -> tuple[list[int], Step | None]:
    """The ids of the steps that became ready, and the one created claimed (with `claim`).
    Decided again as long as repeats finished a round: checking it changes the steps' states."""
    ready: list[int] = []
    claimed = None
    again = True
    while again:
        more, step, again = _apply_once(
            execution, claim=claim and claimed is None, finished=finished, fresh=fresh
        )
        ready += more
        claimed = claimed or step
        finished, fresh = None, False
    return ready, claimed


def _apply_once(
    execution: Execution, *, claim: bool, finished: Step | None, fresh: bool
) -> tuple[list[int], Step | None, bool]:
    """One round of decisions applied: the steps that became ready, the one claimed, and
    whether rounds of repeats were checked (then the state machine has more to say)."""
    plan = plan_for(execution.version_id, lambda: execution.version.graph, execution.trigger_node)
    target = sole_successor(plan, state_of(finished)) if finished is not None else None
    if target is not None:
        decisions = Decisions(create={target: (target, S.PENDING)})
    else:
        decisions = decide(plan, {} if fresh else step_sql.step_states(execution.pk))
    now = timezone.now()
    for key, count in decisions.items_started.items():
        # Not a change of status: the loop step waits on, with more of its items started.
        Step.objects.filter(execution=execution, key=key).update(items_started=count)
    for key in decisions.finish_loops:
        _finish_loop(plan, execution, key, now)
    created = [
        new_step(execution, node_id, key, status, now)
        for key, (node_id, status) in decisions.create.items()
    ]
    trigger = next(
        (s for s in created if s.node_id == plan.trigger and s.status == S.PENDING), None
    )
    if trigger is not None:
        run_trigger(plan.nodes[plan.trigger], trigger, execution, now)
    claimed = None
    if claim and not decisions.outcome:
        claimed = next((s for s in created if s.status == S.PENDING), None)
        if claimed is not None:
            claim_new(claimed, now)
    gate.apply(gate.Create(created))
    if decisions.outcome:
        _finish_execution(execution, decisions.outcome, now, plan)
        return [], None, False
    # Checked once this pass's steps are stored: the check reads them, and items_started.
    for key in decisions.end_rounds:
        end_round(plan, execution, key, now)
    ready = [s.pk for s in created if s.status == S.PENDING]
    if trigger is not None:  # finished already: what follows from it, in this transaction
        more, successor = _apply(execution, claim=claim and claimed is None, finished=trigger)
        if successor is not None:  # it reads the trigger's output: no need to query it
            successor.known[trigger.key] = finished_of(trigger)
        ready += more
        claimed = claimed or successor
    return ready, claimed, bool(decisions.end_rounds)


def new_step(execution: Execution, node_id: str, key: str, status: str, now: datetime) -> Step:
    """A step the state machine created (pending or skipped), not yet stored."""
    return Step(
        execution=execution,
        node_id=node_id,
        key=key,
        status=status,
        finished_at=now if status == S.SKIPPED else None,
        dispatched_at=now if status == S.PENDING else None,
    )


def claim_new(step: Step, now: datetime) -> None:
    """Make a new pending step one this worker has claimed: it is stored running, under this
    worker's lease, and the caller runs it itself."""
    step.status, step.attempt, step.started_at = S.RUNNING, 1, now
    step.lease_owner = worker_id()
    step.lease_expires_at = lease_until(now)
    step.known = {}


def finished_of(step: Step) -> Finished:
    """What a successor run by this worker reads of a finished step, without a query."""
    usable = step.status == S.SUCCEEDED or step.error_handled
    return Finished(step.node_id, usable, step.output, step.handles)


def state_of(step: Step) -> StepState:
    """A step as the state machine reads it."""
    return StepState(
        key=step.key,
        node_id=step.node_id,
        status=step.status,
        handles=tuple(step.handles or ()),
        error_handled=step.error_handled,
        items_total=step.items_total,
        items_started=step.items_started,
        timer=step.status == S.WAITING and step.wake_at is not None,
    )


def _finish_loop(plan: Plan, execution: Execution, key: str, now: datetime) -> None:
    loop_id, scope = parse_key(key)
    step = execution.steps.get(key=key)
    total = step.items_total or 0
    sinks = plan.body_sinks.get(loop_id, ())
    sink_keys = [plan.key(sink, (*scope, i)) for sink in sinks for i in range(total)]
    outputs = dict(execution.steps.filter(key__in=sink_keys).values_list("key", "output"))
    results = [
        plan.body_result(loop_id, {s: outputs.get(plan.key(s, (*scope, i))) for s in sinks})
        for i in range(total)
    ]
    values: gate.StepValues = {
        "status": S.SUCCEEDED,
        "output": {"results": results},
        "handles": ["done"],
        "finished_at": now,
    }
    # A loop step waits while its items run.
    gate.apply(gate.Move([step], values, were=(S.WAITING,)))


def _finish_execution(execution: Execution, outcome: str, now: datetime, plan: Plan) -> None:
    execution.status = outcome
    execution.finished_at = now
    if outcome == E.FAILED:
        failed = failed_step(execution)
        execution.error = (
            f"Step '{failed.key}' failed: {failed.error}" if failed else "A step failed."
        )
        cancel_open_steps(execution, now)
    step_sql.save_outcome(execution)
    if outcome == E.FAILED and _reports_failure(execution, plan):
        _mark_error_report_due(execution)
    events.execution_changed(execution)
    if execution.workflow.max_concurrency:
        admit_next(execution.workflow_id)
    wake_caller(execution)


def wake_caller(execution: Execution) -> None:
    """A called run has ended: the step that called it and waits for it runs again and reads
    how it ended (calls.py). Call last, after the run's own rows (and its workflow's) are
    locked: a calling step's checkpoint locks those before its own step's row too."""
    if execution.parent_id is not None:
        wake(execution.parent_id, execution.parent_step_key)


def failed_step(execution: Execution) -> Step | None:
    """The step a failed execution's error names: its first failure that was not handled."""
    return execution.steps.filter(status=S.FAILED, error_handled=False).first()


def _reports_failure(execution: Execution, plan: Plan) -> bool:
    """Whether this failure starts an error workflow: the workflow names one, and the run did
    not itself start at an error trigger (an error workflow's failure reports nothing)."""
    entry = plan.nodes.get(plan.trigger)
    started_by_error = entry is not None and entry.type == "trigger.error"
    return execution.workflow.error_workflow_id is not None and not started_by_error


def _mark_error_report_due(execution: Execution) -> None:
    """Mark the failure to be reported, in the transaction that fails the execution, and wake
    the reporter once that commits (`engine.error_workflows`; the sweep reports a mark whose
    wake-up was lost)."""
    Execution.objects.filter(pk=execution.pk).update(error_report_due=True)
    execution.error_report_due = True
    execution_id = execution.pk
    transaction.on_commit(lambda: dispatch_steps.send_error_report(execution_id))


def cancel_open_steps(execution: Execution, now: datetime) -> None:
    """Cancel the execution's pending and waiting steps, and the runs its waiting steps called
    and wait for (a run started without `wait` goes on). The children's rows are locked before
    the steps change: a child's end locks its own row before it wakes its caller's step."""
    open_steps = list(execution.steps.filter(status__in=(S.PENDING, S.WAITING)))
    waiting = [s.key for s in open_steps if s.status == S.WAITING]
    children = (
        list(
            Execution.objects.select_for_update()
            .filter(parent=execution, parent_step_key__in=waiting)
            .exclude(status__in=Execution.FINISHED)
            .defer("trigger_data", "overrides")
            .order_by("pk")
        )
        if waiting
        else []
    )
    values: gate.StepValues = {"status": S.CANCELLED, "finished_at": now, "wake_at": None}
    gate.apply(gate.Move(open_steps, values, were=(S.PENDING, S.WAITING)))
    for child in children:
        cancel_execution(child, now, "Cancelled: the run that called it ended.")


def cancel_execution(execution: Execution, now: datetime, reason: str) -> None:
    """Cancel an unfinished execution whose row the caller has locked."""
    cancel_open_steps(execution, now)
    execution.status, execution.finished_at, execution.error = E.CANCELLED, now, reason
    execution.save(update_fields=["status", "finished_at", "error"])
    events.execution_changed(execution)
    admit_next(execution.workflow_id)
    wake_caller(execution)


def admit(workflow: Workflow, execution: Execution) -> None:
    """Start a pending execution if the workflow's limit allows. Hold the workflow row lock."""
    if workflow.max_concurrency:
        running = Execution.objects.filter(
            workflow=workflow, status__in=(E.RUNNING, E.PAUSED)
        ).count()
        if running >= workflow.max_concurrency:
            execution.waiting_reason = (
                f"Waiting: {running} of {workflow.max_concurrency} allowed executions "
                "of this workflow are running."
            )
            execution.save(update_fields=["waiting_reason"])
            events.execution_changed(execution)
            return
    execution.status = E.RUNNING
    execution.started_at = timezone.now()
    execution.waiting_reason = ""
    execution.save(update_fields=["status", "started_at", "waiting_reason"])
    events.execution_changed(execution)
    advance(execution)


def admit_next(workflow_id: int) -> None:
    """Admit the workflow's oldest pending execution, if its limit allows now."""
    workflow = Workflow.objects.select_for_update().get(pk=workflow_id)
    waiting = (
        Execution.objects.filter(workflow=workflow, status=E.PENDING).order_by("created_at").first()
    )
    if waiting is not None:
        admit(workflow, waiting)
