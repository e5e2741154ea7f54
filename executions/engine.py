"""The durable engine (DESIGN §6): start executions, run one step, checkpoint, advance.

Every step state change goes through this module. A step is claimed atomically, run, and its
result committed together with the decisions that follow from it (`statemachine.decide`) while
the execution row is locked; the steps that became ready are dispatched after commit. Node
code is called in exactly one place: `_call_node`.
"""

from __future__ import annotations

import json
import logging
import os
import random
import socket
import threading
import uuid
from collections import Counter
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from pydantic import ValidationError

from credentials.runtime import resolve as resolve_credential
from editor.graph import RetryPolicy
from editor.models import Workflow, WorkflowVersion
from editor.nodes.base import NodeError, RunContext, Secret
from editor.templating import TemplateError, render_value
from editor.validation import config_issues, validate_graph
from executions import events, step_sql
from executions.models import Execution, Step
from executions.plan import Plan, PlanNode, parse_key, plan_for
from executions.statemachine import FINISHED, Decisions, StepState, decide, sole_successor
from workfuse.lib import redaction

log = logging.getLogger(__name__)
_worker_id: tuple[int, str] | None = None


def worker_id() -> str:
    """Who holds a step's lease: unique per process (computed after fork, not at import)."""
    global _worker_id
    if _worker_id is None or _worker_id[0] != os.getpid():
        _worker_id = (os.getpid(), f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}")
    return _worker_id[1]


S = Step.Status
E = Execution.Status


_valid_versions: set[int] = set()


class Finished(NamedTuple):
    """What later steps read of a finished step (its output never changes once finished)."""

    node_id: str
    usable: bool  # succeeded, or failed with the error handled: its output feeds successors
    output: Any
    handles: list[str]


class ExecutionRefused(Exception):
    """The workflow cannot run as it is (invalid graph); `issues` say why."""

    def __init__(self, issues: list[Any]):
        self.issues = issues
        super().__init__("; ".join(i.message for i in issues))


class IllegalTransition(Exception):
    """E.g. resuming a finished execution (answered 409 by the API)."""


# --- starting --------------------------------------------------------------------------------


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
) -> Execution:
    """Create an execution of the workflow's current (or a given) version and start it, or
    queue it as pending when the workflow's concurrency limit is reached."""
    version = version or _version(workflow)
    if version.pk not in _valid_versions:  # versions never change: validate each once per process
        issues = validate_graph(version.graph, owner=workflow.owner)
        if issues:
            raise ExecutionRefused(issues)
        _valid_versions.add(version.pk)
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
        execution = Execution(
            workflow=locked,
            version=version,
            trigger_kind=trigger_kind,
            trigger_data=payload if payload is not None else {},
            replay_of=replay_of,
            rerun_from=rerun_from,
            overrides=overrides or {},
            # Without a limit the run starts at once: no separate admission write.
            status=E.RUNNING if unlimited else E.PENDING,
            started_at=timezone.now() if unlimited else None,
        )
        step_sql.insert([execution])
        if reuse_steps:
            step_sql.insert([_copy_step(execution, s) for s in reuse_steps])
        if unlimited:
            events.execution_changed(execution)
            _dispatch(_advance(execution, fresh=not reuse_steps)[0])
        else:
            _admit(locked, execution)
    return execution


_versions: dict[tuple[int, int], WorkflowVersion] = {}


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


def _admit(workflow: Workflow, execution: Execution) -> None:
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
    _dispatch(_advance(execution)[0])


def _admit_next(workflow_id: int) -> None:
    workflow = Workflow.objects.select_for_update().get(pk=workflow_id)
    waiting = (
        Execution.objects.filter(workflow=workflow, status=E.PENDING).order_by("created_at").first()
    )
    if waiting is not None:
        _admit(workflow, waiting)


# --- running a step --------------------------------------------------------------------------


def run_step(step_id: int) -> Step | None:
    """Run one step if it can be claimed. Returns a successor this worker has already claimed
    and should run next (`run_claimed`), if any."""
    step = _claim(step_id)
    return run_claimed(step) if step is not None else None


def _claim(step_id: int) -> Step | None:
    """Claim a dispatched step for this worker, with its execution loaded; None when there is
    nothing to run (a duplicate delivery, a step already done, a paused execution)."""
    now = timezone.now()
    # The claim is a single-row UPDATE; whether the execution may run is checked right after
    # (a join here costs more than the rare undo below).
    step = step_sql.claim(step_id, worker_id(), now, _lease_until(now))
    if step is None:
        return None  # a duplicate delivery, or already done: nothing to do
    step.execution = step_sql.load_execution(step.execution_id)
    execution = step.execution
    if execution.status != E.RUNNING:  # paused (or finished) since dispatch: leave it pending
        Step.objects.filter(pk=step_id, status=S.RUNNING, lease_owner=worker_id()).update(
            status=S.PENDING, attempt=F("attempt") - 1, lease_owner="", lease_expires_at=None
        )
        return None
    return _taken(step)


def _taken(step: Step) -> Step:
    """A step this worker has just claimed, with its execution loaded: announce it, and start
    its record of the execution's finished steps (`run_claimed`)."""
    events.step_changed(step, step.execution)
    step.known = {}
    return step


def _lease_until(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.WORKFUSE_STEP_LEASE_SECONDS)


def claim_batch(step_id: int) -> list[Step]:
    """The steps a task starts with: its own (if it can still be claimed) and, when steps have
    been waiting for a worker longer than `WORKFUSE_ADOPT_AFTER_MS`, up to
    `WORKFUSE_BATCH_SIZE` in all, adopted from that backlog (oldest first; PostgreSQL only).

    An adopted step's own task later finds it claimed and does nothing. The batch runs in
    rounds (`run_round`) whose checkpoints share one commit."""
    own = _claim(step_id)
    steps = [own] if own is not None else []
    room = settings.WORKFUSE_BATCH_SIZE - len(steps)
    if room > 0 and step_sql.can_adopt():
        now = timezone.now()
        waited = now - timedelta(milliseconds=settings.WORKFUSE_ADOPT_AFTER_MS)
        for step in step_sql.adopt(room, waited, worker_id(), now, _lease_until(now)):
            step.execution = step_sql.load_execution(step.execution_id)
            steps.append(_taken(step))
    return steps


def run_round(steps: list[Step]) -> list[Step]:
    """Run one step of each chain in `steps` (claimed by this worker), then commit all their
    checkpoints in one transaction: each result is durable before its successor starts, and
    the commit's cost is shared. Returns the successors claimed for the next round.

    If the shared transaction fails (a deadlock between executions, say), each checkpoint is
    committed on its own instead, so one bad step cannot lose the others' results."""
    if len(steps) == 1:
        successor = run_claimed(steps[0])
        return [successor] if successor is not None else []
    results: list[_Result] = []
    _ROUND.results = results
    try:
        with LEASES.holding(*(s.id for s in steps)):
            for step in steps:
                run_claimed(step)
    finally:
        _ROUND.results = None
        # Executions are locked in id order, as every transaction that locks several does.
        results.sort(key=lambda r: r.execution.pk)
        claimed = _commit_results(results)
    return [s for s in claimed if s is not None]


def _commit_results(results: list[_Result]) -> list[Step | None]:
    try:
        with transaction.atomic():
            # One statement locks the round's executions. A second step of the same execution
            # reads its status again: the first one's checkpoint may have finished it.
            locked = step_sql.lock_executions([r.execution.pk for r in results])
            claimed = []
            for r in results:
                claimed.append(_store(*r, status=locked.pop(r.execution.pk, None)))
    except DatabaseError:
        if len(results) == 1:
            raise
        log.warning("A shared checkpoint failed; committing its steps one by one", exc_info=True)
        claimed = []
        for r in results:
            try:
                with transaction.atomic():
                    claimed.append(_store(*r))
            except DatabaseError:
                # As if its worker had died: once its lease expires the sweep takes it back.
                log.exception("Step %s could not be checkpointed", r.step.pk)
                claimed.append(None)
    return [_handed_over(r.step, c) for r, c in zip(results, claimed, strict=True)]


class _Result(NamedTuple):
    """A step's result waiting for its round's shared commit."""

    step: Step
    execution: Execution
    values: dict[str, Any]
    advance: bool


class _Round(threading.local):
    results: list[_Result] | None = None


_ROUND = _Round()


def run_claimed(step: Step) -> Step | None:
    """Run a step this worker holds the lease of. `step.execution` is loaded, and `step.known`
    holds the finished steps whose outputs this worker has already read or written in this
    execution (`_gather` only queries the rest: a finished step's output never changes)."""
    execution = step.execution
    plan = plan_for(
        execution.version_id, lambda: WorkflowVersion.objects.get(pk=execution.version_id).graph
    )
    node = plan.nodes[step.node_id]
    attempt_started = timezone.now()
    secrets: set[str] = set()  # resolved credential values: scrubbed from all the step stores
    try:
        context, inputs, primary = _gather(plan, step, execution)
        if node.type == "utility.delay":
            return _run_delay(plan, node, step, execution, context)
        config = _render_config(node, step, execution, context)
        if node.type == "logic.loop":
            return _start_loop(plan, step, execution, config.items)
        secret = _resolve_credential(node, config, execution)
        secrets = redaction.forms_of(secret.value) if secret is not None else set()
        ctx = RunContext(
            execution_id=str(execution.id),
            node_id=node.id,
            step_key=step.key,
            attempt=step.attempt,
            input=primary,
            variables=context,
            inputs=inputs,
            secret=secret,
            emit=lambda message: events.token(
                execution.id, execution.workflow_id, node.id, message.get("text", "")
            ),
        )
        with LEASES.holding(step.id), redaction.registered(secrets):
            output = _call_node(node, config, ctx)
        output = _checked_output(redaction.scrub(output, secrets))
    except NodeError as exc:
        exc.message = redaction.scrub(exc.message, secrets)
        exc.detail = redaction.scrub(exc.detail, secrets)
        return _fail(plan, node, step, execution, exc, attempt_started)
    except Exception as exc:  # a bug in a node must fail the step, not the worker
        with redaction.registered(secrets):
            log.exception("Node %s (%s) crashed in execution %s", node.id, node.type, execution.id)
        message = redaction.scrub(f"{type(exc).__name__}: {exc}", secrets)
        return _fail(plan, node, step, execution, NodeError(message), attempt_started)
    handles = node.node_type.active_handles(config, output)
    rendered = redaction.scrub(config.model_dump(), secrets)
    return _succeed(plan, step, execution, output, handles, attempt_started, rendered=rendered)


def _resolve_credential(node: PlanNode, config: Any, execution: Execution) -> Secret | None:
    """The node's credential, resolved for this step only (never stored, never logged)."""
    credential_id = getattr(config, "credential", None)
    if node.node_type.is_trigger or not node.node_type.credential_kinds or credential_id is None:
        return None
    return resolve_credential(
        execution.workflow.owner_id,
        credential_id,
        node.node_type.credential_kinds,
        execution_id=str(execution.id),
        node_id=node.id,
    )


def _call_node(node: PlanNode, config: Any, ctx: RunContext) -> Any:
    """The one place node code runs."""
    if node.node_type.run is None:
        raise NodeError(f"Node type {node.type} does not run as a step")
    return node.node_type.run(config, ctx)


def _render_config(
    node: PlanNode, step: Step, execution: Execution, context: dict[str, Any]
) -> Any:
    raw = execution.overrides.get(step.key, execution.overrides.get(node.id, node.config))
    try:
        rendered = (
            raw
            if node.node_type.is_trigger
            else {**raw, **render_value(node.node_type.template_config(raw), context)}
        )
    except TemplateError as exc:
        raise NodeError(f"Template error in {exc.message}") from exc
    try:
        return node.node_type.Config.model_validate(rendered)
    except ValidationError as exc:
        problems = "; ".join(f"{i.field}: {i.message}" for i in config_issues(node.id, exc))
        raise NodeError(f"Invalid settings after templates were filled in: {problems}") from exc


def _checked_output(output: Any) -> Any:
    try:
        text = json.dumps(output, default=str)
    except (TypeError, ValueError) as exc:
        raise NodeError(f"The node's output is not JSON: {exc}") from exc
    limit = settings.WORKFUSE_MAX_STEP_OUTPUT_BYTES
    if len(text) > limit:
        raise NodeError(
            f"The output is {len(text) / 1e6:.1f} MB, above the {limit / 1e6:.1f} MB limit per step "
            "(WORKFUSE_MAX_STEP_OUTPUT_BYTES). Keep large data outside the workflow, or select the "
            "part you need."
        )
    return json.loads(text)  # what is stored is exactly what later steps and the API will read


def _gather(
    plan: Plan, step: Step, execution: Execution
) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """Template variables, the outputs of active inputs, and the single input (or all of them)."""
    node = plan.nodes[step.node_id]
    _, scope = parse_key(step.key)
    if node.id == plan.trigger:
        context = {"trigger": {}, "nodes": {}, "execution": _execution_vars(execution)}
        return context, {}, execution.trigger_data
    wanted = {plan.key(a, scope): a for a in plan.ancestors[node.id]}
    known: dict[str, Finished] = step.known
    missing = [key for key in wanted if key not in known]
    if missing:
        for key, node_id, status, output, error_handled, fired in step_sql.step_results(
            execution.pk, missing
        ):
            if status in FINISHED:
                known[key] = Finished(
                    node_id, status == S.SUCCEEDED or error_handled, output, fired
                )
    outputs: dict[str, Any] = {}
    handles: dict[str, list[str]] = {}
    for key in wanted:
        finished = known.get(key)
        if finished is not None and finished.usable:
            outputs[finished.node_id] = finished.output
            handles[finished.node_id] = finished.handles
    context: dict[str, Any] = {
        "trigger": outputs.get(plan.trigger, {}),
        "nodes": outputs,
        "execution": _execution_vars(execution),
    }
    items: list[Any] = []
    if node.loops:
        innermost = node.loops[-1]
        loop_step = (
            Step.objects.filter(execution=execution, key=plan.key(innermost, scope))
            .values_list("input", flat=True)
            .first()
            or {}
        )
        items = loop_step.get("items", [])
        index = scope[len(plan.nodes[innermost].loops)]
        context["item"], context["index"] = items[index], index
    inputs: dict[str, Any] = {}
    for source, handle in plan.incoming.get(node.id, ()):
        if plan.nodes[source].type == "logic.loop" and handle == "each":
            inputs[source] = context.get("item")
        elif source in outputs and handle in handles.get(source, []):
            inputs[source] = outputs[source]
    primary = next(iter(inputs.values())) if len(inputs) == 1 else inputs
    return context, inputs, primary


def _execution_vars(execution: Execution) -> dict[str, Any]:
    started = execution.started_at or execution.created_at
    return {"id": str(execution.id), "started_at": started.isoformat() if started else None}


# --- outcomes of a step ----------------------------------------------------------------------


def _attempt_record(
    step: Step, started: datetime, status: str, error: str = "", **extra: Any
) -> dict[str, Any]:
    finished = timezone.now()
    return {
        "attempt": step.attempt,
        "started_at": started.isoformat(),
        "finished_at": finished.isoformat(),
        "duration_ms": int((finished - started).total_seconds() * 1000),
        "status": status,
        "error": error or None,
        **extra,
    }


def _succeed(
    plan: Plan,
    step: Step,
    execution: Execution,
    output: Any,
    handles: list[str],
    started: datetime,
    rendered: Any = None,
) -> Step | None:
    values = {
        "status": S.SUCCEEDED,
        "output": output,
        "handles": handles,
        "finished_at": timezone.now(),
        "error": "",
        "lease_expires_at": None,
        "wake_at": None,
        "attempts": [*step.attempts, _attempt_record(step, started, "succeeded")],
    }
    if rendered is not None:
        values["input"] = rendered
    return _checkpoint(step, execution, values)


def _fail(
    plan: Plan, node: PlanNode, step: Step, execution: Execution, exc: NodeError, started: datetime
) -> Step | None:
    message = exc.message
    record = _attempt_record(step, started, "failed", message, retryable=exc.retryable)
    attempts = [*step.attempts, record]
    now = timezone.now()
    if exc.retryable and step.attempt < node.retry.max_attempts:
        delay = retry_delay(node.retry, step.attempt, exc.retry_after)
        record["next_attempt_at"] = (now + timedelta(seconds=delay)).isoformat()
        return _checkpoint(
            step,
            execution,
            {
                "status": S.WAITING,
                "error": message,
                "attempts": attempts,
                "wake_at": now + timedelta(seconds=delay),
                "lease_expires_at": None,
            },
            advance=False,
        )
    return _checkpoint(step, execution, _failed(node, message, attempts, now, exc.detail))


def _failed(
    node: PlanNode, message: str, attempts: list[Any], now: datetime, detail: Any = None
) -> dict[str, Any]:
    """A step's values once it has failed for good; with `on_error` continue or route the
    error becomes its output and the run goes on."""
    values: dict[str, Any] = {
        "status": S.FAILED,
        "error": message,
        "attempts": attempts,
        "finished_at": now,
        "lease_expires_at": None,
        "wake_at": None,
    }
    if node.on_error in ("continue", "route"):
        values["error_handled"] = True
        values["output"] = {"error": message, **({"detail": detail} if detail else {})}
        if node.on_error == "route":
            values["handles"] = ["error"]
        else:
            values["handles"] = ["main"] if "main" in node.node_type.handles else []
    return values


def retry_delay(policy: RetryPolicy, attempt: int, retry_after: float | None = None) -> float:
    """Exponential backoff with ±20 % jitter; a server's Retry-After wins when longer."""
    base = policy.initial_delay_ms * policy.multiplier ** max(0, attempt - 1)
    base = min(base, policy.max_delay_ms) / 1000
    delay = base * random.uniform(0.8, 1.2)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


def _checkpoint(
    step: Step, execution: Execution, values: dict[str, Any], *, advance: bool = True
) -> Step | None:
    """Commit a running step's result and what follows from it, with the execution row locked.

    When steps become ready, one of them may be created already claimed by this worker and
    returned, to be run next without a broker round trip (`WORKFUSE_INLINE_SUCCESSOR`). Inside
    a round of several chains (`run_round`) the result waits for the round's shared commit."""
    if _ROUND.results is not None:
        _ROUND.results.append(_Result(step, execution, values, advance))
        return None
    with transaction.atomic():
        claimed = _store(step, execution, values, advance)
    return _handed_over(step, claimed)


def _store(
    step: Step,
    execution: Execution,
    values: dict[str, Any],
    advance: bool,
    *,
    status: str | None = None,
) -> Step | None:
    """A checkpoint's statements; the caller holds the transaction. `status` is the
    execution's, when the caller has locked its row already."""
    # Lock the row and read only its status: the rest of the execution does not change
    # while it runs (and trigger data can be large).
    execution.status = status or step_sql.lock_execution(execution.pk)
    if execution.status == E.CANCELLED:
        values = {
            "status": S.CANCELLED,
            "finished_at": timezone.now(),
            "lease_expires_at": None,
            "error": "Cancelled while running; the result was discarded.",
        }
        advance = False
    if not step_sql.store_result(step.pk, worker_id(), values):
        log.warning("Step %s lost its lease before finishing; its result is discarded", step.pk)
        return None
    for name, value in values.items():
        setattr(step, name, value)
    events.step_changed(step, execution)
    if not (advance and execution.status == E.RUNNING):
        return None
    ready, claimed = _advance(execution, claim=settings.WORKFUSE_INLINE_SUCCESSOR, finished=step)
    _dispatch(ready)
    return claimed


def _handed_over(step: Step, claimed: Step | None) -> Step | None:
    """Pass what this worker knows of the execution's finished steps on to its successor."""
    if claimed is not None:
        if step.status in FINISHED:
            usable = step.status == S.SUCCEEDED or step.error_handled
            step.known[step.key] = Finished(step.node_id, usable, step.output, step.handles)
        claimed.known = step.known
    return claimed


def _run_delay(
    plan: Plan, node: PlanNode, step: Step, execution: Execution, context: dict[str, Any]
) -> Step | None:
    now = timezone.now()
    if step.wake_at is not None:  # the timer fired: the wait is over
        waited = int((now - step.started_at).total_seconds() * 1000) if step.started_at else 0
        return _succeed(
            plan,
            step,
            execution,
            {"waited_ms": waited, "resumed_at": now.isoformat()},
            ["main"],
            now,
        )
    config = _render_config(node, step, execution, context)
    if config.until is not None:
        try:
            wake = datetime.fromisoformat(str(config.until).replace("Z", "+00:00"))
        except ValueError as exc:
            raise NodeError(f"until: '{config.until}' is not an ISO 8601 date-time") from exc
        if wake.tzinfo is None:
            wake = wake.replace(tzinfo=timezone.get_current_timezone())
    else:
        try:
            seconds = float(config.seconds)
        except (TypeError, ValueError) as exc:
            raise NodeError(f"seconds: '{config.seconds}' is not a number") from exc
        wake = now + timedelta(seconds=max(0.0, seconds))
    if wake <= now:
        return _succeed(
            plan, step, execution, {"waited_ms": 0, "resumed_at": now.isoformat()}, ["main"], now
        )
    return _checkpoint(
        step,
        execution,
        {
            "status": S.WAITING,
            "wake_at": wake,
            "lease_expires_at": None,
            "input": config.model_dump(),
        },
        advance=False,
    )


def _start_loop(plan: Plan, step: Step, execution: Execution, items: Any) -> Step | None:
    if not isinstance(items, list):
        raise NodeError(f"items must be a list; the template gave {type(items).__name__}")
    return _checkpoint(
        step,
        execution,
        {
            "status": S.WAITING,
            "input": {"items": items},
            "items_total": len(items),
            "lease_expires_at": None,
        },
    )


# --- advancing -------------------------------------------------------------------------------


def _advance(
    execution: Execution, *, claim: bool = False, finished: Step | None = None, fresh: bool = False
) -> tuple[list[int], Step | None]:
    """Apply what the state machine decides. Hold the execution row lock. Returns the ids of the
    steps that became ready and, with `claim`, one more ready step created already claimed by
    this worker (the caller runs it itself). `finished` is the step whose checkpoint this is:
    when it simply hands over to its sole successor, the other steps need not be read; nor when
    the execution is `fresh` (it has no steps yet)."""
    plan = plan_for(execution.version_id, lambda: execution.version.graph)
    target = sole_successor(plan, _state(finished)) if finished is not None else None
    if target is not None:
        decisions = Decisions(create={target: (target, S.PENDING)})
    else:
        decisions = decide(plan, {} if fresh else step_sql.step_states(execution.pk))
    now = timezone.now()
    for key, count in decisions.items_started.items():
        Step.objects.filter(execution=execution, key=key).update(items_started=count)
    for key in decisions.finish_loops:
        _finish_loop(plan, execution, key, now)
    created = [
        Step(
            execution=execution,
            node_id=node_id,
            key=key,
            status=status,
            finished_at=now if status == S.SKIPPED else None,
            dispatched_at=now if status == S.PENDING else None,
        )
        for key, (node_id, status) in decisions.create.items()
    ]
    trigger = next(
        (s for s in created if s.node_id == plan.trigger and s.status == S.PENDING), None
    )
    if trigger is not None:
        _run_trigger(plan.nodes[plan.trigger], trigger, execution, now)
    claimed = None
    if claim and not decisions.outcome:
        claimed = next((s for s in created if s.status == S.PENDING), None)
        if claimed is not None:
            claimed.status, claimed.attempt, claimed.started_at = S.RUNNING, 1, now
            claimed.lease_owner = worker_id()
            claimed.lease_expires_at = _lease_until(now)
    if created:
        step_sql.insert(created)
        for s in created:
            events.step_changed(s, execution)
    if decisions.outcome:
        _finish_execution(execution, decisions, now)
        return [], None
    ready = [s.pk for s in created if s.status == S.PENDING]
    if trigger is not None:  # finished already: what follows from it, in this transaction
        more, claimed = _advance(execution, claim=claim and claimed is None, finished=trigger)
        ready += more
    return ready, claimed


def _run_trigger(node: PlanNode, step: Step, execution: Execution, now: datetime) -> None:
    """Finish a trigger's step as it is created: its output is the run's payload (no trigger
    node does more), so it needs no task, claim or commit of its own. It runs through the same
    config check and node call as any step, and fails the same way (e.g. a payload above the
    output limit)."""
    step.status, step.attempt, step.started_at = S.RUNNING, 1, now
    try:
        config = _render_config(node, step, execution, {})
        ctx = RunContext(
            execution_id=str(execution.id),
            node_id=node.id,
            step_key=step.key,
            input=execution.trigger_data,
        )
        output = _checked_output(_call_node(node, config, ctx))
    except NodeError as exc:
        record = _attempt_record(step, now, "failed", exc.message, retryable=False)
        values = _failed(node, exc.message, [record], timezone.now(), exc.detail)
    else:
        values = {
            "status": S.SUCCEEDED,
            "output": output,
            "handles": node.node_type.active_handles(config, output),
            "input": config.model_dump(),
            "finished_at": timezone.now(),
            "attempts": [_attempt_record(step, now, "succeeded")],
        }
    for name, value in values.items():
        setattr(step, name, value)
    step.dispatched_at = None  # never sent to a worker


def _state(step: Step) -> StepState:
    return StepState(
        key=step.key,
        node_id=step.node_id,
        status=step.status,
        handles=tuple(step.handles or ()),
        error_handled=step.error_handled,
        items_total=step.items_total,
        items_started=step.items_started,
    )


def _finish_loop(plan: Plan, execution: Execution, key: str, now: datetime) -> None:
    loop_id, scope = parse_key(key)
    step = Step.objects.get(execution=execution, key=key)
    sinks = plan.body_sinks.get(loop_id, ())
    sink_keys = {
        plan.key(sink, (*scope, i)): (sink, i)
        for sink in sinks
        for i in range(step.items_total or 0)
    }
    outputs = dict(
        Step.objects.filter(execution=execution, key__in=list(sink_keys)).values_list(
            "key", "output"
        )
    )
    results: list[Any] = []
    for i in range(step.items_total or 0):
        per_sink = {sink: outputs.get(plan.key(sink, (*scope, i))) for sink in sinks}
        results.append(next(iter(per_sink.values())) if len(sinks) == 1 else per_sink)
    step.status, step.output, step.handles, step.finished_at = (
        S.SUCCEEDED,
        {"results": results},
        ["done"],
        now,
    )
    step.save(update_fields=["status", "output", "handles", "finished_at"])
    events.step_changed(step, execution)


def _finish_execution(execution: Execution, decisions: Decisions, now: datetime) -> None:
    execution.status = decisions.outcome
    execution.finished_at = now
    if decisions.outcome == E.FAILED:
        failed = Step.objects.filter(
            execution=execution, status=S.FAILED, error_handled=False
        ).first()
        execution.error = (
            f"Step '{failed.key}' failed: {failed.error}" if failed else "A step failed."
        )
        _cancel_open_steps(execution, now)
    step_sql.save_outcome(execution)
    events.execution_changed(execution)
    if execution.workflow.max_concurrency:
        _admit_next(execution.workflow_id)


def _cancel_open_steps(execution: Execution, now: datetime) -> None:
    open_steps = list(Step.objects.filter(execution=execution, status__in=(S.PENDING, S.WAITING)))
    Step.objects.filter(pk__in=[s.pk for s in open_steps]).update(
        status=S.CANCELLED, finished_at=now, wake_at=None
    )
    for s in open_steps:
        s.status, s.finished_at = S.CANCELLED, now
        events.step_changed(s, execution)


def _dispatch(ready: list[int]) -> None:
    """Send ready steps to workers once the transaction commits."""
    if ready:
        from executions.tasks import run_step_task

        transaction.on_commit(lambda: [run_step_task.delay(i) for i in ready])


# --- control ---------------------------------------------------------------------------------


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
            _admit(Workflow.objects.select_for_update().get(pk=execution.workflow_id), execution)
            return execution
        execution.status = E.RUNNING
        execution.started_at = execution.started_at or timezone.now()
        execution.save(update_fields=["status", "started_at"])
        events.execution_changed(execution)
        now = timezone.now()
        ready = list(
            Step.objects.filter(execution=execution, status=S.PENDING).values_list("pk", flat=True)
        )
        Step.objects.filter(pk__in=ready).update(dispatched_at=now)
        ready += _advance(execution)[0]
        _dispatch(ready)
    return execution


def cancel(execution: Execution) -> Execution:
    with transaction.atomic():
        execution = Execution.objects.select_for_update().get(pk=execution.pk)
        if execution.is_finished:
            raise IllegalTransition(f"This execution has already {execution.status}.")
        now = timezone.now()
        _cancel_open_steps(execution, now)
        execution.status, execution.finished_at = E.CANCELLED, now
        execution.error = "Cancelled by the user."
        execution.save(update_fields=["status", "finished_at", "error"])
        events.execution_changed(execution)
        _admit_next(execution.workflow_id)
    return execution


def retry(execution: Execution) -> Execution:
    """Retry from failure: the same execution; finished steps are kept, failed ones run again."""
    with transaction.atomic():
        execution = Execution.objects.select_for_update().get(pk=execution.pk)
        if execution.status != E.FAILED:
            raise IllegalTransition(
                f"Only a failed execution can be retried; this one is {execution.status}."
            )
        now = timezone.now()
        Step.objects.filter(execution=execution, status=S.CANCELLED).delete()
        failed = list(
            Step.objects.filter(execution=execution, status=S.FAILED, error_handled=False)
        )
        Step.objects.filter(pk__in=[s.pk for s in failed]).update(
            status=S.PENDING, finished_at=None, error="", wake_at=None, dispatched_at=now
        )
        execution.status, execution.finished_at, execution.error = E.RUNNING, None, ""
        execution.save(update_fields=["status", "finished_at", "error"])
        events.execution_changed(execution)
        for s in failed:
            s.status, s.finished_at, s.error = S.PENDING, None, ""
            events.step_changed(s, execution)
        _dispatch([s.pk for s in failed] + _advance(execution)[0])
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
    plan = plan_for(execution.version_id, lambda: execution.version.graph)
    if node_id not in plan.nodes:
        raise IllegalTransition(f"'{node_id}' is not a node of this execution's workflow version.")
    if plan.nodes[node_id].loops:
        raise IllegalTransition(
            "A rerun cannot start inside a loop body; rerun from the loop node instead."
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


# --- sweeps (run every second by beat) --------------------------------------------------------


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Wake due timers, take back expired leases, re-send lost dispatches. Safe to run in several
    processes at once: each change is a conditional update, and claiming a step is idempotent."""
    now = now or timezone.now()
    due = list(
        Step.objects.filter(
            status=S.WAITING, wake_at__lte=now, execution__status=E.RUNNING
        ).values_list("pk", flat=True)[:1000]
    )
    woken = Step.objects.filter(pk__in=due, status=S.WAITING).update(
        status=S.PENDING, dispatched_at=now
    )
    expired = [
        step.pk
        for step in Step.objects.filter(status=S.RUNNING, lease_expires_at__lt=now)[:1000]
        if _take_back(step, now, lease_expires_at__lt=now)
    ]
    stale_before = now - timedelta(seconds=settings.WORKFUSE_REDISPATCH_SECONDS)
    stale = list(
        Step.objects.filter(
            status=S.PENDING, dispatched_at__lt=stale_before, execution__status=E.RUNNING
        ).values_list("pk", flat=True)[:1000]
    )
    Step.objects.filter(pk__in=stale).update(dispatched_at=now)
    from executions.tasks import run_step_task

    for step_id in [*due, *expired, *stale]:
        run_step_task.apply_async((step_id,), queue=settings.WORKFUSE_WAKEUP_QUEUE)
    return {"woken": woken, "expired": len(expired), "redispatched": len(stale)}


def _interruptions(step: Step) -> int:
    return sum(1 for a in step.attempts if a.get("status") == "interrupted")


def _take_back(step: Step, now: datetime, **still: Any) -> bool:
    """A running step whose worker is gone: back to pending with the interrupted attempt
    recorded (True: dispatch it), unless its worker stopped `WORKFUSE_MAX_INTERRUPTIONS` times
    in a row: then it fails, so a node that takes its worker down (a V8 fatal error, memory
    exhaustion) cannot take down every worker in turn; its node's `on_error` still applies.
    `still` are the conditions the step must still meet (it may have moved on meanwhile)."""
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
        return bool(
            Step.objects.filter(pk=step.pk, status=S.RUNNING, **still).update(
                status=S.PENDING,
                lease_owner="",
                lease_expires_at=None,
                dispatched_at=now,
                attempts=[*step.attempts, record],
            )
        )
    plan = plan_for(step.execution.version_id, lambda: step.execution.version.graph)
    values = {
        **_failed(plan.nodes[step.node_id], message, [*step.attempts, record], now),
        "lease_owner": "",
    }
    with transaction.atomic():
        execution = Execution.objects.select_for_update().get(pk=step.execution_id)
        if Step.objects.filter(pk=step.pk, status=S.RUNNING, **still).update(**values):
            for name, value in values.items():
                setattr(step, name, value)
            events.step_changed(step, execution)
            if execution.status == E.RUNNING:
                _dispatch(_advance(execution)[0])
    return False


def recover_after_restart() -> int:
    """Embedded mode only (one process does all the work): whatever was running or queued when
    the process stopped is gone with it, so take it back at once instead of waiting for leases
    to expire (a step that was running counts as interrupted). Returns how many steps were
    sent to the worker again."""
    now = timezone.now()
    for step in Step.objects.filter(status=S.RUNNING):
        _take_back(step, now)
    ready = list(
        Step.objects.filter(status=S.PENDING, execution__status=E.RUNNING).values_list(
            "pk", flat=True
        )
    )
    Step.objects.filter(pk__in=ready).update(dispatched_at=now)
    from executions.tasks import run_step_task

    for step_id in ready:
        run_step_task.delay(step_id)
    return len(ready)


# --- leases ----------------------------------------------------------------------------------


class LeaseKeeper:
    """Renews the leases of the steps this process is running, in one UPDATE every few seconds,
    so a long step is never taken over while its worker lives."""

    def __init__(self) -> None:
        self._running: Counter[int] = Counter()  # a round holds its steps while each runs
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def holding(self, *step_ids: int) -> _Holding:
        return _Holding(self, step_ids)

    def add(self, *step_ids: int) -> None:
        with self._lock:
            self._running.update(step_ids)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._renew_forever, name="lease-keeper", daemon=True
                )
                self._thread.start()

    def discard(self, *step_ids: int) -> None:
        with self._lock:
            for step_id in step_ids:
                self._running[step_id] -= 1
                if self._running[step_id] <= 0:
                    del self._running[step_id]

    def renew(self) -> int:
        with self._lock:
            ids = list(self._running)
        if not ids:
            return 0
        expires = _lease_until(timezone.now())
        return Step.objects.filter(pk__in=ids, status=S.RUNNING, lease_owner=worker_id()).update(
            lease_expires_at=expires
        )

    def _renew_forever(self) -> None:
        from django.db import close_old_connections

        interval = max(1.0, settings.WORKFUSE_STEP_LEASE_SECONDS / 3)
        stop = threading.Event()
        while not stop.wait(interval):
            try:
                self.renew()
            except Exception:
                log.exception("Could not renew step leases")
            finally:
                close_old_connections()


class _Holding:
    def __init__(self, keeper: LeaseKeeper, step_ids: tuple[int, ...]):
        self.keeper, self.step_ids = keeper, step_ids

    def __enter__(self) -> None:
        self.keeper.add(*self.step_ids)

    def __exit__(self, *exc: Any) -> None:
        self.keeper.discard(*self.step_ids)


LEASES = LeaseKeeper()
