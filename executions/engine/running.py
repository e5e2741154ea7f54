"""Running a claimed step: inputs gathered, config rendered, node called; the result returned."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.utils import timezone
from pydantic import ValidationError

from credentials.runtime import resolve as resolve_credential
from editor.models import WorkflowVersion
from editor.nodes.action_agent import Config as AgentConfig
from editor.nodes.action_workflow import Config as CallConfig
from editor.nodes.app_workfuse import Config as WorkFuseConfig  # selfnode
from editor.nodes.base import NodeConfig, NodeError, RunContext, Secret
from editor.nodes.logic_loop import Config as LoopConfig
from editor.nodes.utility_delay import Config as DelayConfig
from editor.nodes.utility_wait import Config as WaitConfig
from editor.templating import TemplateError, render_value
from editor.validation import config_issues
from executions import events, step_sql
from executions.engine import agent_tools, agents, calls, own_workflows, waiting
from executions.engine.gate import StepValues
from executions.engine.leases import LEASES
from executions.engine.outcomes import StepResult, attempt_record, failed, failure, succeeded
from executions.models import Execution, Step
from executions.plan import Plan, PlanNode, Scope, parse_key, plan_for
from executions.statemachine import FINISHED
from workfuse.lib import redaction, safe_json

log = logging.getLogger(__name__)
S = Step.Status


class Finished(NamedTuple):
    """What later steps read of a finished step (its output never changes once finished)."""

    node_id: str
    usable: bool  # succeeded, or failed with the error handled: its output feeds successors
    output: Any
    handles: list[str]


def run(step: Step) -> StepResult:
    """Run a step this worker holds the lease of, and return its result without storing it.
    `step.execution` is loaded, and `step.known` holds the finished steps whose outputs this
    worker has already read or written in this execution (`_gather` only queries the rest: a
    finished step's output never changes)."""
    execution = step.execution
    plan = plan_for(
        execution.version_id,
        lambda: WorkflowVersion.objects.get(pk=execution.version_id).graph,
        execution.trigger_node,
    )
    node = plan.nodes[step.node_id]
    attempt_started = timezone.now()
    secrets: set[str] = set()  # resolved credential values: scrubbed from all the step stores
    hidden: set[str] = set()  # a resume URL's token: kept out of the stored input and errors
    try:
        if node.type == "utility.wait" and (finished := waiting.finish(step)) is not None:
            return finished
        context, inputs, primary = _gather(plan, step, execution)
        if waiting.mentions_resume_url(raw_config(node, step, execution)):
            url = waiting.resume_url(plan, step, execution)
            context["execution"]["resume_url"] = url
            hidden = redaction.forms_of(url.rsplit("/", 1)[1])
        if node.type == "utility.delay":
            return _run_delay(node, step, execution, context)
        if node.type == "action.workflow":
            return _run_call(node, step, execution, context, attempt_started)
        if node.type == "logic.repeat":
            return _run_repeat(node, step, execution, context)
        config = render_config(node, step, execution, context)
        if node.type == "utility.wait":
            assert isinstance(config, WaitConfig)
            return waiting.start(step, config, redaction.scrub(config.model_dump(), hidden))
        if node.type == "logic.loop":
            assert isinstance(config, LoopConfig)
            return _start_loop(step, config.items)
        secret = _resolve_credential(node, config, execution)
        secrets = redaction.forms_of(secret.value) if secret is not None else set()
        # --- vectors ---
        resolver = agent_tools.Credentials(
            execution.workflow.owner_id, str(execution.id), node.id, secrets
        )
        # --- end vectors ---
        ctx = RunContext(
            execution_id=str(execution.id),
            node_id=node.id,
            step_key=step.key,
            attempt=step.attempt,
            input=primary,
            variables=context,
            inputs=inputs,
            secret=secret,
            workflow_id=execution.workflow_id,
            emit=lambda message: events.token(
                execution.id, execution.workflow_id, node.id, message.get("text", "")
            ),
            resolve_credential=resolver.secret,  # vectors
        )
        with LEASES.holding(step.id), redaction.registered(secrets):
            if node.type == "action.agent":
                assert isinstance(config, AgentConfig)
                ran = agents.run(step, execution, config, secret, ctx)
                if isinstance(ran, StepResult):  # it waits (an approval, a called run)
                    return ran
                output = ran
            # --- selfnode ---
            elif node.type == "app.workfuse":
                assert isinstance(config, WorkFuseConfig)
                output = own_workflows.run(config, execution)
            # --- end selfnode ---
            else:
                if node.type in agents.SPENDS_AI:
                    agents.check_run_budget(execution)
                output = call_node(node, config, ctx)
        output = _checked_output(redaction.scrub(output, secrets))
    except NodeError as exc:
        # A server's words may hold a NUL, which PostgreSQL cannot store: the step would stay
        # running, its failure never recorded.
        exc.message = safe_json.storable(redaction.scrub(exc.message, secrets | hidden))
        exc.detail = safe_json.storable(redaction.scrub(exc.detail, secrets | hidden))
        return failure(node, step, exc, attempt_started)
    except Exception as exc:  # a bug in a node must fail the step, not the worker
        with redaction.registered(secrets):
            log.exception("Node %s (%s) crashed in execution %s", node.id, node.type, execution.id)
        message = redaction.scrub(f"{type(exc).__name__}: {exc}", secrets | hidden)
        return failure(node, step, NodeError(safe_json.storable(message)), attempt_started)
    handles = node.node_type.active_handles(config, output)
    rendered = redaction.scrub(config.model_dump(), secrets | hidden)
    result = succeeded(step, output, handles, attempt_started, rendered=rendered)
    if node.type == "logic.respond" and awaits_answer(plan, execution):
        return replace(result, answer=rendered)
    if node.type in agents.SPENDS_AI:
        return replace(result, after_store=lambda: agents.add_spend(execution, output))
    return result


def awaits_answer(plan: Plan, execution: Execution) -> bool:
    """Whether a webhook caller waits for this run's logic.respond answer (response:
    respond_node). A workflow has at most one webhook trigger."""
    return execution.trigger_kind == Execution.Trigger.WEBHOOK and any(
        node.type == "trigger.webhook" and node.config.get("response") == "respond_node"
        for node in plan.nodes.values()
    )


def run_trigger(node: PlanNode, step: Step, execution: Execution, now: datetime) -> None:
    """Finish a trigger's step as it is created: its output is the run's payload (no trigger
    node does more), so it needs no task, claim or commit of its own. It runs through the same
    config check and node call as any step, and fails the same way (e.g. a payload above the
    output limit)."""
    step.status, step.attempt, step.started_at = S.RUNNING, 1, now
    values: StepValues
    try:
        config = render_config(node, step, execution, {})
        ctx = RunContext(
            execution_id=str(execution.id),
            node_id=node.id,
            step_key=step.key,
            input=execution.trigger_data,
        )
        output = _checked_output(call_node(node, config, ctx))
    except NodeError as exc:
        record = attempt_record(step, now, "failed", exc.message, retryable=False)
        values = failed(node, exc.message, [record], timezone.now(), exc.detail)
    else:
        values = {
            "status": S.SUCCEEDED,
            "output": output,
            "handles": node.node_type.active_handles(config, output),
            "input": config.model_dump(),
            "finished_at": timezone.now(),
            "attempts": [attempt_record(step, now, "succeeded")],
        }
    for name, value in values.items():
        setattr(step, name, value)
    step.dispatched_at = None  # never sent to a worker


def call_node(node: PlanNode, config: NodeConfig, ctx: RunContext) -> Any:
    """The one place node code runs."""
    if node.node_type.run is None:
        raise NodeError(f"Node type {node.type} does not run as a step")
    return node.node_type.run(config, ctx)


def raw_config(node: PlanNode, step: Step, execution: Execution) -> dict[str, Any]:
    """The node's settings for this step, before templates: the graph's, unless the execution
    overrides them (a rerun with edited input)."""
    raw: dict[str, Any] = execution.overrides.get(
        step.key, execution.overrides.get(node.id, node.config)
    )
    return raw


def render_config(
    node: PlanNode, step: Step, execution: Execution, context: dict[str, Any]
) -> NodeConfig:
    raw = raw_config(node, step, execution)
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


def _resolve_credential(node: PlanNode, config: NodeConfig, execution: Execution) -> Secret | None:
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


def _checked_output(output: Any) -> Any:
    try:
        text = json.dumps(output, default=str)
    except (TypeError, ValueError) as exc:
        raise NodeError(f"The node's output is not JSON: {exc}") from exc
    if "\\u0000" in text or "\\ud" in text:  # how json.dumps writes a NUL or a surrogate
        problem = safe_json.text_problem(output)
        if problem is not None:
            reason, path = problem
            where = safe_json.JsonRefused(reason, path).field or "the output"
            raise NodeError(
                f"The node's output was refused: at {where}, {reason} Decode such data as "
                "a file (base64) instead of text."
            )
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
    context: dict[str, Any]
    if node.id == plan.trigger:
        context = {
            "trigger": {},
            "nodes": {},
            "execution": _execution_vars(execution),
            "workflow": _workflow_vars(execution),
        }
        return context, {}, execution.trigger_data
    wanted = {plan.key(a, scope): a for a in plan.ancestors[node.id]}
    outputs, handles = _outputs(step.known, execution, wanted)
    context = {
        "trigger": outputs.get(plan.trigger, {}),
        "nodes": outputs,
        "execution": _execution_vars(execution),
        "workflow": _workflow_vars(execution),
        **_body_variables(plan, execution, node, scope),
    }
    context.update(_carried(plan, step.known, execution, node, scope, (outputs, handles), context))
    inputs = _inputs(plan, node.id, outputs, handles, context)
    return context, inputs, _primary(inputs)


def round_context(plan: Plan, execution: Execution, repeat: Step) -> dict[str, Any]:
    """What a repeat's round fields (`until`, `delay_seconds`) read once its latest round has
    finished: what the repeat itself reads, that round's steps directly in the body as
    `nodes.<id>` (those of a loop or repeat nested in it ran many times: their container's
    output stands for them), `iteration` (the round's number, from 0) and `last` (the output of
    the body's last step, or of each last step by id when it ends in several)."""
    repeat_id, scope = parse_key(repeat.key)
    node = plan.nodes[repeat_id]
    finished = repeat.items_started
    round_scope = (*scope, finished - 1)
    members = plan.direct_body(repeat_id)
    wanted = {plan.key(a, scope): a for a in plan.ancestors[repeat_id]}
    wanted |= {plan.key(m, round_scope): m for m in members}
    outputs, _ = _outputs({}, execution, wanted)
    return {
        "trigger": outputs.get(plan.trigger, {}),
        "nodes": outputs,
        "execution": _execution_vars(execution),
        "workflow": _workflow_vars(execution),
        **_body_variables(plan, execution, node, scope),
        "iteration": finished - 1,
        "last": plan.body_result(repeat_id, outputs),
    }


def _outputs(
    known: dict[str, Finished], execution: Execution, wanted: dict[str, str]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The outputs (and fired handles) by node id of the steps `wanted` (key -> node id) that
    finished usably. Reads only those `known` does not hold yet, and adds them to it."""
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
    return outputs, handles


def _body_variables(
    plan: Plan, execution: Execution, node: PlanNode, scope: Scope
) -> dict[str, Any]:
    """`item` and `index` of the innermost loop around the node, `iteration` of the innermost
    repeat (an inner one hides an outer one's)."""
    found: dict[str, Any] = {}
    loop = None
    for container in node.loops:  # outermost first: an inner one's values win
        position = scope[len(plan.nodes[container].loops)]
        if plan.nodes[container].type == "logic.repeat":
            found["iteration"] = position
        else:
            loop, found["index"] = container, position
    if loop is not None:
        loop_step = (
            Step.objects.filter(execution=execution, key=plan.key(loop, scope))
            .values_list("input", flat=True)
            .first()
            or {}
        )
        items: list[Any] = loop_step.get("items", [])
        found["item"] = items[found["index"]]
    return found


def _carried(
    plan: Plan,
    known: dict[str, Finished],
    execution: Execution,
    node: PlanNode,
    scope: Scope,
    read: tuple[dict[str, Any], dict[str, list[str]]],
    context: dict[str, Any],
) -> dict[str, Any]:
    """`carried` in the body of the innermost repeat around the node: what came into the
    repeat, or, when it carries and this is round 1 or later, the body's last output of the
    round before. Round i starts only once round i - 1 has finished, so that output is read
    from its stored steps: a round run again after its worker died gets the same input."""
    repeats = [c for c in node.loops if plan.nodes[c].type == "logic.repeat"]
    if not repeats:
        return {}
    repeat_id = repeats[-1]
    depth = len(plan.nodes[repeat_id].loops)
    outer, index = scope[:depth], scope[depth]
    if index == 0 or plan.nodes[repeat_id].config.get("carry") is not True:
        outputs, handles = read
        return {"carried": _primary(_inputs(plan, repeat_id, outputs, handles, context))}
    previous = (*outer, index - 1)
    wanted = {plan.key(m, previous): m for m in plan.direct_body(repeat_id)}
    before, _ = _outputs(known, execution, wanted)
    return {"carried": plan.body_result(repeat_id, before)}


def _inputs(
    plan: Plan,
    node_id: str,
    outputs: dict[str, Any],
    handles: dict[str, list[str]],
    context: dict[str, Any],
) -> dict[str, Any]:
    """The outputs that reach a node through its active edges, by source. A loop's `each` brings
    the item; a repeat's `body` brings the round's `carried` (what came into the repeat, or the
    round before's last output when the repeat carries)."""
    inputs: dict[str, Any] = {}
    for source, handle in plan.incoming.get(node_id, ()):
        source_node = plan.nodes[source]
        if handle == source_node.node_type.body_handle:
            if source_node.type == "logic.loop":
                inputs[source] = context.get("item")
            elif "carried" in context and source in plan.nodes[node_id].loops[-1:]:
                inputs[source] = context["carried"]
            else:
                inputs[source] = _primary(_inputs(plan, source, outputs, handles, context))
        elif source in outputs and handle in handles.get(source, []):
            inputs[source] = outputs[source]
    return inputs


def _primary(inputs: dict[str, Any]) -> Any:
    """A node's input: its one active input's output, or all of them by source."""
    return next(iter(inputs.values())) if len(inputs) == 1 else inputs


def _execution_vars(execution: Execution) -> dict[str, Any]:
    started = execution.started_at or execution.created_at
    return {"id": str(execution.id), "started_at": started.isoformat() if started else None}


def _workflow_vars(execution: Execution) -> dict[str, Any]:
    return {"id": execution.workflow_id, "name": execution.workflow.name}


def _run_delay(
    node: PlanNode, step: Step, execution: Execution, context: dict[str, Any]
) -> StepResult:
    now = timezone.now()
    if step.wake_at is not None:  # the timer fired: the wait is over
        waited = int((now - step.started_at).total_seconds() * 1000) if step.started_at else 0
        return succeeded(step, {"waited_ms": waited, "resumed_at": now.isoformat()}, ["main"], now)
    config = render_config(node, step, execution, context)
    assert isinstance(config, DelayConfig)
    if config.until is not None:
        try:
            wake = datetime.fromisoformat(str(config.until).replace("Z", "+00:00"))
        except ValueError as exc:
            raise NodeError(f"until: '{config.until}' is not an ISO 8601 date-time") from exc
        if wake.tzinfo is None:
            wake = wake.replace(tzinfo=timezone.get_current_timezone())
    else:
        assert config.seconds is not None  # the Config holds exactly one of until and seconds
        try:
            seconds = float(config.seconds)
        except (TypeError, ValueError) as exc:
            raise NodeError(f"seconds: '{config.seconds}' is not a number") from exc
        wake = now + timedelta(seconds=max(0.0, seconds))
    if wake <= now:
        return succeeded(step, {"waited_ms": 0, "resumed_at": now.isoformat()}, ["main"], now)
    values: StepValues = {
        "status": S.WAITING,
        "wake_at": wake,
        "lease_expires_at": None,
        "input": config.model_dump(),
    }
    return StepResult(step, values, advance=False)


def _run_call(
    node: PlanNode, step: Step, execution: Execution, context: dict[str, Any], started: datetime
) -> StepResult:
    child = calls.waited_on(step)
    if child is not None:  # woken: the run it called ended (or it is time to look again)
        return calls.outcome(node, step, child, started)
    config = render_config(node, step, execution, context)
    assert isinstance(config, CallConfig)
    return calls.prepare(config, step, execution, started)


def _start_loop(step: Step, items: Any) -> StepResult:
    if not isinstance(items, list):
        raise NodeError(f"items must be a list; the template gave {type(items).__name__}")
    values: StepValues = {
        "status": S.WAITING,
        "input": {"items": items},
        "items_total": len(items),
        "lease_expires_at": None,
    }
    return StepResult(step, values)


def _run_repeat(
    node: PlanNode, step: Step, execution: Execution, context: dict[str, Any]
) -> StepResult:
    """A repeat step runs to let a round start, then waits while the round runs; after each
    round the engine checks `until` (executions/engine/repeats.py). First run: its settings
    checked (the round fields stay templates) and round 0 let start. Woken after the delay
    between rounds: the next round let start. Run again by a retry after its check failed:
    the round is checked again."""
    values: StepValues = {"status": S.WAITING, "wake_at": None, "lease_expires_at": None}
    if step.items_total is None:
        values["input"] = render_config(node, step, execution, context).model_dump()
        values["items_total"] = 1
    elif step.wake_at is not None:
        values["items_total"] = step.items_started + 1
        values["attempt"] = step.attempt - 1  # a wake-up, not another attempt
    return StepResult(step, values)
