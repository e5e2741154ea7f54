"""A step that calls a workflow (`action.workflow`, docs/control-flow.md "Sub-workflows"): the
call checked and prepared, and how the called run ended read back.

The called (child) run is started by the calling step's checkpoint (`starting.settle_call`), in
the transaction that stores the step: both are stored or neither, so a step run again after a
crash never starts a second child. With `wait` the step is then waiting, holding no worker,
with the child's id in its output; the child's end wakes it (`advance`, `wakes.wake`) and it
runs again: `outcome` reads how the child ended and finishes the step. A waiting step also
looks again every `WORKFUSE_CALL_RECHECK_SECONDS`, a safety net (a child deleted with its
workflow never ends).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from editor.models import Workflow
from editor.nodes import trigger_workflow
from editor.nodes.action_workflow import Config
from editor.nodes.base import NodeError
from editor.validation import validate_graph
from executions.engine.gate import StepValues
from executions.engine.outcomes import Call, StepResult, failure, succeeded
from executions.models import Execution, Step
from executions.plan import PlanNode

S = Step.Status
E = Execution.Status


def waited_on(step: Step) -> uuid.UUID | None:
    """The child a woken calling step waits on (None: the step makes its call now). A step
    retried from failure has no `wake_at`, so it calls again."""
    output = step.output if isinstance(step.output, dict) else {}
    if step.wake_at is None or "execution_id" not in output:
        return None
    return uuid.UUID(str(output["execution_id"]))


def prepare(config: Config, step: Step, execution: Execution, started: datetime) -> StepResult:
    """The call checked (the owner's workflow, callable, its inputs, the bounds) and the step's
    result: waiting for the child (`wait`) or done; its checkpoint starts the child."""
    call = checked_call(config.workflow, config.inputs, execution, inputs_field="inputs")
    output = {"execution_id": str(call.child_id), "status": E.PENDING}
    rendered = config.model_dump()
    if not config.wait:
        return replace(succeeded(step, output, ["main"], started, rendered), call=call)
    values: StepValues = {
        "status": S.WAITING,
        "wake_at": recheck_at(timezone.now()),
        "lease_expires_at": None,
        "input": rendered,
        "output": output,
    }
    return StepResult(step, values, advance=False, call=call)


def checked_call(
    workflow_id: int,
    inputs: Any,
    execution: Execution,
    child_id: uuid.UUID | None = None,
    *,
    inputs_field: str = "arguments",
) -> Call:
    """A call of the owner's workflow `workflow_id` with `inputs` from `execution`, checked
    (callable, valid, its inputs, the bounds); NodeError says what is wrong. The child's id is
    `child_id` when given (an agent's call made again after a crash), else a new one."""
    called = Workflow.objects.filter(pk=workflow_id, owner_id=execution.workflow.owner_id).first()
    if called is None:
        raise NodeError(
            f"workflow: workflow {workflow_id} does not exist or is not yours; only your own "
            "workflows can be called."
        )
    version = called.versions.get(number=called.version)
    trigger = trigger_workflow.config_in(version.graph)
    if trigger is None:
        raise NodeError(
            f"workflow: '{called.name}' cannot be called: it has no 'When called by a workflow' "
            "trigger (trigger.workflow)."
        )
    issues = validate_graph(version.graph, owner=called.owner_id)
    if issues:
        raise NodeError(f"'{called.name}' cannot run until it is fixed: {issues[0].message}")
    try:
        checked = trigger_workflow.check_inputs(trigger.inputs, inputs)
    except ValueError as exc:
        raise NodeError(f"{inputs_field}: calling '{called.name}': {exc}") from exc
    _check_bounds(execution)
    return Call(child_id or uuid.uuid4(), version.pk, checked)


def _check_bounds(execution: Execution) -> None:
    depth, limit = execution.call_depth + 1, settings.WORKFUSE_MAX_WORKFLOW_DEPTH
    if depth > limit:
        raise NodeError(
            f"Calls nest too deep: this call would run {depth} levels down, and at most {limit} "
            "are allowed (WORKFUSE_MAX_WORKFLOW_DEPTH). A workflow that calls itself needs a "
            "condition that stops it."
        )
    root = execution.call_root or execution.pk
    made = Execution.objects.filter(call_root=root, call_depth__gt=0).count()
    if made >= settings.WORKFUSE_MAX_CHILD_EXECUTIONS:
        raise NodeError(
            f"This run and the runs it called have started {made} called executions, the most "
            "one run may start (WORKFUSE_MAX_CHILD_EXECUTIONS)."
        )


def recheck_at(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.WORKFUSE_CALL_RECHECK_SECONDS)


def outcome(node: PlanNode, step: Step, child_id: uuid.UUID, started: datetime) -> StepResult:
    """A woken step's result from how its child ended; still running: it waits again (the
    check is not an attempt, so the attempt count is put back)."""
    child = Execution.objects.select_related("workflow").filter(pk=child_id).first()
    link = {"execution_id": str(child_id), "status": child.status if child else "deleted"}
    if child is None:
        return _failed(
            node,
            step,
            f"The called execution {child_id} no longer exists: it was deleted with its workflow.",
            link,
            started,
        )
    where = f"'{child.workflow.name}' (execution {child.get_absolute_url()})"
    if child.status == E.SUCCEEDED:
        return succeeded(step, {**link, "output": child.last_output()}, ["main"], started)
    if child.status == E.FAILED:
        return _failed(
            node, step, f"The called workflow {where} failed: {child.error}", link, started
        )
    if child.status == E.CANCELLED:
        return _failed(node, step, f"The called workflow {where} was cancelled.", link, started)
    values: StepValues = {
        "status": S.WAITING,
        "wake_at": recheck_at(timezone.now()),
        "lease_expires_at": None,
        "attempt": step.attempt - 1,
        "output": link,
    }
    return StepResult(step, values, advance=False, call=Call(child_id))


def _failed(
    node: PlanNode, step: Step, message: str, link: dict[str, Any], started: datetime
) -> StepResult:
    """A failure that is not retried (the child ran its own retries), keeping the link in the
    output when the node does not turn the error into output."""
    result = failure(node, step, NodeError(message, detail=link), started)
    result.values.setdefault("output", link)
    return result
