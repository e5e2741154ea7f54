"""A repeat between rounds: its `until` checked on the round's outputs, and what follows.

The state machine says when a repeat's round has finished (`Decisions.end_rounds`); checking
`until` needs that round's outputs, so it happens here, under the execution row lock, as a
loop's results are collected in `advance._finish_loop`. The repeat then leaves by `done` (the
rules hold) or `exhausted` (`max_iterations` rounds ran), or lets its next round start: at once,
or after `delay_seconds`, waiting with a `wake_at` like a delay (no worker held; the sweep
wakes it and `running._run_repeat` lets the round start).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from editor.nodes.base import NodeError
from editor.nodes.logic_repeat import Config, delay
from editor.nodes.rules import evaluate
from editor.templating import TemplateError, render_value
from editor.validation import config_issues
from executions.engine import gate
from executions.engine.outcomes import attempt_record, failed
from executions.engine.running import round_context
from executions.models import Execution, Step
from executions.plan import Plan, parse_key

S = Step.Status


def end_round(plan: Plan, execution: Execution, key: str, now: datetime) -> None:
    """Check the finished round of the repeat step `key` (waiting, its round just finished) and
    finish the repeat, fail it, or let its next round start. Call while holding the execution
    row lock; every outcome moves the repeat on, so the state machine never asks twice."""
    step = execution.steps.get(key=key)
    node = plan.nodes[parse_key(key)[0]]
    rounds = step.items_started
    try:
        context = round_context(plan, execution, step)
        config = _rendered(step.input, node.node_type.round_fields, context)
        holds = evaluate(config.until)
        wait = 0.0 if holds else _delay(config)
    except NodeError as exc:
        message = f"Checking 'until' after round {rounds - 1} failed: {exc.message}"
        record = attempt_record(step, now, "failed", message, retryable=False)
        values = failed(node, message, [*step.attempts, record], now, exc.detail)
        gate.apply(gate.Move([step], values, were=(S.WAITING,)))
        return
    if holds or rounds >= config.max_iterations:
        finished: gate.StepValues = {
            "status": S.SUCCEEDED,
            "output": {"iterations": rounds, "last": context["last"]},
            "handles": ["done" if holds else "exhausted"],
            "finished_at": now,
        }
        gate.apply(gate.Move([step], finished, were=(S.WAITING,)))
    elif wait > 0 and not _ran_before(plan, execution, key, rounds):
        # Still waiting, now for a time: the sweep wakes it (status unchanged, so no gate).
        Step.objects.filter(pk=step.pk).update(wake_at=now + timedelta(seconds=wait))
    else:
        Step.objects.filter(pk=step.pk).update(items_total=rounds + 1)


def _ran_before(plan: Plan, execution: Execution, key: str, index: int) -> bool:
    """Whether round `index` has steps already: a retry of a failed execution runs a repeat
    again from its first round, reusing every finished step; it waits for none of the rounds
    that ran before."""
    repeat_id, scope = parse_key(key)
    keys = [plan.key(m, (*scope, index)) for m in plan.direct_body(repeat_id)]
    return execution.steps.filter(key__in=keys).exists()


def _rendered(stored: Any, round_fields: tuple[str, ...], context: dict[str, Any]) -> Config:
    """The repeat's settings as its first run stored them, with the round fields filled in."""
    raw = stored if isinstance(stored, dict) else {}
    fields = {name: raw[name] for name in round_fields if name in raw}
    try:
        rendered = {**raw, **render_value(fields, context)}
    except TemplateError as exc:
        raise NodeError(f"Template error in {exc.message}") from exc
    try:
        return Config.model_validate(rendered)
    except ValidationError as exc:
        problems = "; ".join(f"{i.field}: {i.message}" for i in config_issues("", exc))
        raise NodeError(f"Invalid settings after templates were filled in: {problems}") from exc


def _delay(config: Config) -> float:
    try:
        return delay(config.delay_seconds)
    except ValueError as exc:
        raise NodeError(str(exc)) from exc
