"""Starting an execution: the workflow's version checked once, the run created and set going."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from django.db import transaction
from django.utils import timezone

from editor.models import Workflow, WorkflowVersion
from editor.validation import GraphIssue, validate_graph
from executions import events, step_sql
from executions.engine import fastpath, gate
from executions.engine.advance import admit, advance
from executions.engine.outcomes import StepResult
from executions.models import Execution, Step
from executions.plan import entry_trigger

E = Execution.Status

_valid_versions: set[int] = set()

# Which trigger node a kind of start uses when a workflow has several triggers.
KIND_TRIGGERS: dict[str, str] = {
    Execution.Trigger.MANUAL: "trigger.manual",
    Execution.Trigger.API: "trigger.manual",
    Execution.Trigger.WEBHOOK: "trigger.webhook",
    Execution.Trigger.SCHEDULE: "trigger.schedule",
    Execution.Trigger.WORKFLOW: "trigger.workflow",
    # --- errorflows ---
    Execution.Trigger.ERROR: "trigger.error",
    # --- end errorflows ---
    # --- devtools ---
    Execution.Trigger.POLL: "trigger.poll",
    # --- end devtools ---
    Execution.Trigger.MCP: "trigger.workflow",
    # --- chat ---
    Execution.Trigger.CHAT: "trigger.chat",
    # --- end chat ---
}
_versions: dict[tuple[int, int], WorkflowVersion] = {}


class ExecutionRefused(Exception):
    """The workflow cannot run as it is (invalid graph); `issues` say why."""

    def __init__(self, issues: list[GraphIssue]):
        self.issues = issues
        super().__init__("; ".join(i.message for i in issues))


def start_execution(
    workflow: Workflow,
    payload: Any = None,
    *,
    trigger_kind: str = Execution.Trigger.MANUAL,
    version: WorkflowVersion | None = None,
    replay_of: Execution | None = None,
    rerun_from: str = "",
    overrides: dict[str, Any] | None = None,
    reuse_steps: list[Step] | None = None,
    execution_id: uuid.UUID | None = None,
    trigger_node: str = "",
    parent: Execution | None = None,
    parent_step_key: str = "",
    error_of: Execution | None = None,
) -> Execution:
    """Create an execution of the workflow's current (or a given) version and start it, or
    queue it as pending when the workflow's concurrency limit is reached. It starts at
    `trigger_node` when given (and still in the version), else at the trigger its
    `trigger_kind` names (`KIND_TRIGGERS`), else at the first trigger. A called run names the
    execution and step that called it (`parent`, `parent_step_key`); `error_of`: the failed
    execution an error workflow's run reports."""
    return _start(
        workflow,
        payload,
        trigger_kind=trigger_kind,
        version=version,
        replay_of=replay_of,
        rerun_from=rerun_from,
        overrides=overrides,
        reuse_steps=reuse_steps,
        execution_id=execution_id,
        trigger_node=trigger_node,
        parent=parent,
        parent_step_key=parent_step_key,
        error_of=error_of,
    )[0]


def start_claimed(
    workflow: Workflow,
    payload: Any,
    *,
    trigger_kind: str,
    execution_id: uuid.UUID | None = None,
) -> tuple[Execution, Step | None]:
    """Start an execution with its first step created already claimed by this process, to be
    run here at once (`rounds.run_chain`), as a synchronous webhook does; the step is None
    when nothing is ready to run (the run was queued behind the workflow's limit, say). The
    caller must run or give back the step: the sweep takes it back only once its lease ends."""
    return _start(
        workflow, payload, trigger_kind=trigger_kind, execution_id=execution_id, claim=True
    )


def _start(
    workflow: Workflow,
    payload: Any,
    *,
    trigger_kind: str,
    version: WorkflowVersion | None = None,
    replay_of: Execution | None = None,
    rerun_from: str = "",
    overrides: dict[str, Any] | None = None,
    reuse_steps: list[Step] | None = None,
    execution_id: uuid.UUID | None = None,
    trigger_node: str = "",
    error_of: Execution | None = None,
    claim: bool = False,
    parent: Execution | None = None,
    parent_step_key: str = "",
) -> tuple[Execution, Step | None]:
    version = version or _version(workflow)
    wanted = trigger_node or (replay_of.trigger_node if replay_of is not None else "")
    entry = entry_trigger(version.graph, wanted, KIND_TRIGGERS.get(trigger_kind, ""))
    if version.pk not in _valid_versions:  # versions never change: validate each once per process
        issues = validate_graph(version.graph, owner=workflow.owner)
        if issues:
            raise ExecutionRefused(issues)
        _valid_versions.add(version.pk)

    def new_execution(locked: Workflow) -> Execution:
        unlimited = not locked.max_concurrency
        return Execution(
            id=execution_id or uuid.uuid4(),
            workflow=locked,
            version=version,
            trigger_kind=trigger_kind,
            trigger_data=payload if payload is not None else {},
            trigger_node=entry,
            replay_of=replay_of,
            error_of=error_of,
            rerun_from=rerun_from,
            overrides=overrides or {},
            parent=parent,
            parent_step_key=parent_step_key,
            call_depth=parent.call_depth + 1 if parent is not None else 0,
            call_root=(parent.call_root or parent.pk) if parent is not None else None,
            # Without a limit the run starts at once: no separate admission write.
            status=E.RUNNING if unlimited else E.PENDING,
            started_at=timezone.now() if unlimited else None,
        )

    if not workflow.max_concurrency and not reuse_steps:
        # The common start, one statement on PostgreSQL: the run, its trigger's step and the
        # first step together.
        execution = new_execution(workflow)
        started = fastpath.start(execution, claim=claim)
        if started is not None:
            return execution, started.claimed
    # No savepoint when a caller's transaction is open (a webhook's, with its delivery record):
    # a failure here fails that transaction anyway, and a savepoint costs two round trips.
    with transaction.atomic(savepoint=False):
        # The workflow row lock only serialises admissions when there is a limit to respect.
        locked = (
            Workflow.objects.select_for_update().get(pk=workflow.pk)
            if workflow.max_concurrency
            else workflow
        )
        unlimited = not locked.max_concurrency
        execution = new_execution(locked)
        step_sql.insert([execution])
        if reuse_steps:
            gate.apply(gate.Create([_copy_step(execution, s) for s in reuse_steps]))
        claimed = None
        if unlimited:
            events.execution_changed(execution)
            claimed = advance(execution, fresh=not reuse_steps, claim=claim)
        else:
            admit(locked, execution)
    return execution, claimed


def settle_call(result: StepResult) -> StepResult:
    """The checkpoint's part of a step that calls a workflow (`calls.py`); the caller holds the
    calling execution's row lock. Starts the child, or reads the status of the child the step
    waits on under that child's row lock (its end, which wakes the step, holds the same lock,
    so it comes either before this read or after the step is stored as waiting). The step's
    output gets the child's status; a waiting step whose child has already ended (a workflow
    with only a trigger, or one that ended while the step looked) becomes due at once."""
    call, step = result.call, result.step
    assert call is not None
    if call.version_id is not None:
        version = WorkflowVersion.objects.select_related("workflow").get(pk=call.version_id)
        child: str | None = start_execution(
            version.workflow,
            call.inputs,
            trigger_kind=Execution.Trigger.WORKFLOW,
            version=version,
            execution_id=call.child_id,
            parent=step.execution,
            parent_step_key=step.key,
        ).status
    else:
        child = (
            Execution.objects.select_for_update()
            .filter(pk=call.child_id)
            .values_list("status", flat=True)
            .first()
        )
    values = result.values.copy()
    values["output"] = {**(values.get("output") or {}), "status": child or "deleted"}
    if values.get("status") == Step.Status.WAITING and child not in (
        E.RUNNING,
        E.PENDING,
        E.PAUSED,
    ):
        values["wake_at"] = timezone.now()
    return replace(result, values=values)


def _version(workflow: Workflow) -> WorkflowVersion:
    """The workflow's current version (versions never change once saved: kept per process)."""
    key = (workflow.pk, workflow.version)
    version = _versions.get(key)
    if version is None:
        if len(_versions) > 1000:
            _versions.clear()
        version = _versions[key] = workflow.versions.get(number=workflow.version)
    return version


def _copy_step(execution: Execution, old: Step) -> Step:
    return Step(
        execution=execution,
        node_id=old.node_id,
        key=old.key,
        status=old.status,
        attempt=old.attempt,
        attempts=old.attempts,
        input=old.input,
        output=old.output,
        error=old.error,
        error_handled=old.error_handled,
        handles=old.handles,
        items_total=old.items_total,
        items_started=old.items_started,
        started_at=old.started_at,
        finished_at=old.finished_at,
        reused=True,
    )
