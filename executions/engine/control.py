"""What a user does to an execution: pause, resume, cancel, retry, replay, rerun from a node."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from editor.models import Workflow
from executions import events
from executions.engine import gate
from executions.engine.advance import admit, advance, cancel_execution
from executions.engine.starting import start_execution
from executions.models import Execution, Step
from executions.plan import parse_key, plan_for

S = Step.Status
E = Execution.Status


class IllegalTransition(Exception):
    """E.g. resuming a finished execution (answered 409 by the API)."""


def pause(execution: Execution) -> Execution:
    with transaction.atomic():
        execution = Execution.objects.select_for_update().get(pk=execution.pk)
        if execution.status not in (E.RUNNING, E.PENDING):
            raise IllegalTransition(
                f"Only a running or pending execution can be paused; this one is {execution.status}."
            )
        execution.status = E.PAUSED
        execution.save(update_fields=["status"])
        events.execution_changed(execution)
    return execution


def resume(execution: Execution) -> Execution:
    with transaction.atomic():
        execution = Execution.objects.select_for_update().get(pk=execution.pk)
        if execution.status != E.PAUSED:
            raise IllegalTransition(
                f"Only a paused execution can be resumed; this one is {execution.status}."
            )
        if execution.started_at is None:  # paused while queued: back in the queue, limit applies
            execution.status = E.PENDING
            execution.save(update_fields=["status"])
            admit(Workflow.objects.select_for_update().get(pk=execution.workflow_id), execution)
            return execution
        execution.status = E.RUNNING
        execution.save(update_fields=["status"])
        events.execution_changed(execution)
        # Steps left pending while paused are sent again (not a change of their status).
        pending = list(execution.steps.filter(status=S.PENDING).values_list("pk", flat=True))
        Step.objects.filter(pk__in=pending).update(dispatched_at=timezone.now())
        advance(execution, ready=pending)
    return execution


def cancel(execution: Execution) -> Execution:
    with transaction.atomic():
        execution = Execution.objects.select_for_update().get(pk=execution.pk)
        if execution.is_finished:
            raise IllegalTransition(f"This execution has already {execution.status}.")
        cancel_execution(execution, timezone.now(), "Cancelled by the user.")
    return execution


def retry(execution: Execution) -> Execution:
    """Retry from failure: the same execution; finished steps are kept, failed ones run again."""
    with transaction.atomic():
        execution = Execution.objects.select_for_update().get(pk=execution.pk)
        if execution.status != E.FAILED:
            raise IllegalTransition(
                f"Only a failed execution can be retried; this one is {execution.status}."
            )
        # Cancelled steps go; the state machine creates them again where they are still needed.
        execution.steps.filter(status=S.CANCELLED).delete()
        failed = list(execution.steps.filter(status=S.FAILED, error_handled=False))
        execution.status, execution.finished_at, execution.error = E.RUNNING, None, ""
        execution.save(update_fields=["status", "finished_at", "error"])
        events.execution_changed(execution)
        again: gate.StepValues = {
            "status": S.PENDING,
            "finished_at": None,
            "error": "",
            "wake_at": None,
            "dispatched_at": timezone.now(),
        }
        retried = gate.apply(gate.Move(failed, again, were=(S.FAILED,)))
        advance(execution, ready=[s.pk for s in retried])
    return execution


def replay(execution: Execution, *, latest_version: bool = False) -> Execution:
    """A new execution with the same trigger data, on the original or the latest version."""
    workflow = execution.workflow
    version = None if latest_version else execution.version
    return start_execution(
        workflow,
        execution.trigger_data,
        trigger_kind=Execution.Trigger.REPLAY,
        version=version,
        replay_of=execution,
    )


def rerun_from(
    execution: Execution, node_id: str, config: dict[str, Any] | None = None
) -> Execution:
    """A new execution that reuses the original's outputs upstream of `node_id` and runs that
    node (with `config` instead of its settings, if given) and everything after it again."""
    plan = plan_for(execution.version_id, lambda: execution.version.graph, execution.trigger_node)
    if node_id not in plan.nodes:
        raise IllegalTransition(f"'{node_id}' is not a node of this execution's workflow version.")
    if plan.nodes[node_id].loops:
        raise IllegalTransition(
            "A rerun cannot start inside the body of a loop or repeat; rerun from the loop or "
            "repeat node instead."
        )
    upstream = plan.ancestors[node_id]
    reused = [
        s
        for s in execution.steps.all()
        if parse_key(s.key)[0] in upstream
        and (s.status in (S.SUCCEEDED, S.SKIPPED) or s.error_handled)
    ]
    missing = {a for a in upstream if not plan.nodes[a].loops} - {
        parse_key(s.key)[0] for s in reused
    }
    if missing:
        raise IllegalTransition(
            f"The original run has no results for {', '.join(sorted(missing))}; replay it instead."
        )
    return start_execution(
        execution.workflow,
        execution.trigger_data,
        trigger_kind=Execution.Trigger.RERUN,
        version=execution.version,
        replay_of=execution,
        rerun_from=node_id,
        overrides={node_id: config} if config is not None else None,
        reuse_steps=reused,
    )
