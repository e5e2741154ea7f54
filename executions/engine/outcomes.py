"""What running a step came to, before it is stored: a `StepResult` and the values it writes."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from editor.graph import RetryPolicy
from editor.nodes.base import NodeError
from executions.engine.gate import StepValues
from executions.models import Step
from executions.plan import PlanNode

S = Step.Status


@dataclass(frozen=True)
class Call:
    """What the checkpoint of a step that calls a workflow does besides storing its values
    (`starting.settle_call`): start the called run `child_id` of version `version_id` with
    `inputs`, or (no version) look at the run the step waits on, under that run's row lock."""

    child_id: uuid.UUID
    version_id: int | None = None
    inputs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StepResult:
    """A step's result waiting to be committed, alone or with its round's (`rounds.commit`):
    the values to store, whether the execution advances from it (not while it waits for a
    retry, a timer or a called workflow), the workflow call its checkpoint settles (`call`),
    and `answer`: a logic.respond step's answer for a webhook caller waiting for one (its
    rendered settings), given if it is the run's first."""

    step: Step
    values: StepValues
    advance: bool = True
    answer: dict[str, Any] | None = None
    call: Call | None = None


def attempt_record(
    step: Step, started: datetime, status: str, error: str = "", *, retryable: bool | None = None
) -> dict[str, Any]:
    finished = timezone.now()
    record: dict[str, Any] = {
        "attempt": step.attempt,
        "started_at": started.isoformat(),
        "finished_at": finished.isoformat(),
        "duration_ms": int((finished - started).total_seconds() * 1000),
        "status": status,
        "error": error or None,
    }
    if retryable is not None:
        record["retryable"] = retryable
    return record


def succeeded(
    step: Step,
    output: Any,
    handles: list[str],
    started: datetime,
    rendered: dict[str, Any] | None = None,
) -> StepResult:
    values: StepValues = {
        "status": S.SUCCEEDED,
        "output": output,
        "handles": handles,
        "finished_at": timezone.now(),
        "error": "",
        "lease_expires_at": None,
        "wake_at": None,
        "attempts": [*step.attempts, attempt_record(step, started, "succeeded")],
    }
    if rendered is not None:
        values["input"] = rendered
    return StepResult(step, values)


def failure(node: PlanNode, step: Step, exc: NodeError, started: datetime) -> StepResult:
    """A failed attempt: the step waits for its next attempt when the error is retryable and
    the node's retry policy allows one more, else it has failed for good."""
    message = exc.message
    record = attempt_record(step, started, "failed", message, retryable=exc.retryable)
    attempts = [*step.attempts, record]
    now = timezone.now()
    if exc.retryable and step.attempt < node.retry.max_attempts:
        wake = now + timedelta(seconds=retry_delay(node.retry, step.attempt, exc.retry_after))
        record["next_attempt_at"] = wake.isoformat()
        values: StepValues = {
            "status": S.WAITING,
            "error": message,
            "attempts": attempts,
            "wake_at": wake,
            "lease_expires_at": None,
        }
        return StepResult(step, values, advance=False)
    return StepResult(step, failed(node, message, attempts, now, exc.detail))


def failed(
    node: PlanNode,
    message: str,
    attempts: list[dict[str, Any]],
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> StepValues:
    """A step's values once it has failed for good; with `on_error` continue or route the
    error becomes its output and the run goes on."""
    values: StepValues = {
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
