"""`utility.wait` in the engine: its resume URLs, its run, and accepting a resume.

A wait step waits like a delay, holding no worker: WAITING, with a `wake_at` only for its
timeout. A call to one of its resume URLs (`/hooks/resume/<token>`, executions/resumes.py) is
accepted by `accept`: with the execution row locked, it checks the step can still be resumed,
records the answer on the token's row and wakes the step (`wakes.wake`). The step then runs
again, finds the answer and finishes by `main` with it; if its timeout comes first, the sweep
wakes it, it finds no answer and finishes by `timeout`. The lock decides which comes first: a
resume is refused once the timeout has passed, and a step never finishes by `timeout` once an
answer is recorded.

A URL may be used before its step waits (a service called back before the run got there): the
answer is recorded and the step finishes with it as soon as it runs. So that an answer recorded
while the step is running its first time is not missed, the step looks again once its waiting
is stored (`StepResult.after_store`, in the checkpoint's transaction under the same lock).

docs/control-flow.md ("Waits") tells which wait step a URL resumes, and why.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import hash_token
from editor.nodes.base import NodeError
from editor.nodes.utility_wait import Config as WaitConfig
from editor.templating import TemplateError, parse, referenced_paths, template_strings
from executions.engine.gate import StepValues
from executions.engine.outcomes import StepResult, succeeded
from executions.engine.wakes import wake
from executions.models import AgentEvent, Execution, ResumeToken, Step
from executions.plan import Plan, PlanNode, parse_key, plan_for

S = Step.Status
E = Execution.Status
WAIT = "utility.wait"
AGENT = "action.agent"
# An agent's approval waits under the key `<step key>#approval:<seq>` (executions/engine/agents.py).
APPROVAL = "#approval:"


def step_key_of(key: str) -> str:
    """The step a resume URL's key belongs to (an agent approval's key holds its step's)."""
    return key.split(APPROVAL, 1)[0]


# --- resume URLs ------------------------------------------------------------------------------


def mint(execution_id: uuid.UUID | str, key: str, base_url: str = "") -> str:
    """A new resume URL for the wait step `key` of the execution, on `base_url` (default
    `SITE_URL`). Only its hash is kept: the URL returned is all there is of it."""
    raw = secrets.token_urlsafe(32)
    ResumeToken.objects.create(execution_id=execution_id, key=key, token_hash=hash_token(raw))
    return (base_url or settings.SITE_URL).rstrip("/") + reverse("resume", args=[raw])


def mentions_resume_url(config: Any) -> bool:
    """Whether a node's settings read `execution.resume_url` (a URL is made only then). Only
    texts that contain the name are parsed: most steps cost a substring test per template."""
    for _, text in template_strings(config):
        if "resume_url" not in text:
            continue
        try:
            paths = referenced_paths(parse(text))
        except TemplateError:
            continue  # rendering fails on it, naming the field
        if any(path[:2] == ("execution", "resume_url") for path in paths):
            return True
    return False


def resume_url(plan: Plan, step: Step, execution: Execution) -> str:
    """`execution.resume_url` for a template of `step`: a new URL for the first wait step after
    its node (itself, for a wait), or else for the wait step waiting now."""
    return mint(execution.pk, _wait_to_resume(plan, step, execution))


def _wait_to_resume(plan: Plan, step: Step, execution: Execution) -> str:
    node = plan.nodes[step.node_id]
    waits = {n for n, p in plan.nodes.items() if p.type == WAIT}
    ahead = _reachable(plan, node.id) & waits
    if ahead:
        first = next(n for n in plan.order if n in ahead)
        if plan.nodes[first].depth > node.depth:
            raise NodeError(
                f"execution.resume_url: the wait '{first}' after this node runs once per item of "
                f"loop '{plan.nodes[first].loops[-1]}', so this node cannot tell which item's "
                "wait to resume; make the link inside the loop body."
            )
        return plan.key(first, parse_key(step.key)[1])
    waiting = list(
        Step.objects.filter(execution=execution, status=S.WAITING, node_id__in=waits)
        .order_by("created_at", "id")
        .values_list("key", flat=True)
    )
    if len(waiting) == 1:
        return waiting[0]
    if waiting:
        raise NodeError(
            f"execution.resume_url: several wait steps are waiting now ({', '.join(waiting)}) "
            "and none comes after this node; make the link in a node before the wait it is for."
        )
    raise NodeError(
        "execution.resume_url: no utility.wait comes after this node and none is waiting now; "
        "make the link in a node before the wait it is for."
    )


def _reachable(plan: Plan, start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(plan.successors.get(current, ()))
    return seen


# --- the step's run -----------------------------------------------------------------------------


def finish(step: Step) -> StepResult | None:
    """A wait step run again: by `main` with the recorded answer, else by `timeout` (only the
    sweep runs a step with a `wake_at` but no answer: its timeout was due). None on its first
    run: it is to start waiting."""
    now = timezone.now()
    started = step.started_at or now
    answer = recorded(step.execution_id, step.key)
    if answer is not None:
        return succeeded(step, answer, ["main"], started)
    if step.wake_at is not None:
        return succeeded(step, {"timed_out": True, "at": now.isoformat()}, ["timeout"], started)
    return None


def start(step: Step, config: WaitConfig, rendered: dict[str, Any]) -> StepResult:
    """The wait begins: WAITING, woken by its timeout (if any) or by a resume. `rendered` is
    the config as stored (the approval form page reads its title, description and fields)."""
    wake_at = None
    if config.timeout_seconds is not None:
        wake_at = timezone.now() + timedelta(seconds=config.timeout_seconds)
    values: StepValues = {
        "status": S.WAITING,
        "wake_at": wake_at,
        "lease_expires_at": None,
        "input": rendered,
    }
    return StepResult(step, values, advance=False, after_store=lambda: _wake_if_answered(step))


def _wake_if_answered(step: Step) -> None:
    """Called where the step's waiting is stored, with its execution row locked (as `accept`
    locks it): an answer recorded while the step ran its first time wakes it now."""
    if recorded(step.execution_id, step.key) is not None:
        wake(step.execution_id, step.key)


def recorded(execution_id: uuid.UUID | str, key: str) -> Any | None:
    """The answer recorded for the wait step `key`, if a resume URL of it was used."""
    return (
        ResumeToken.objects.filter(execution_id=execution_id, key=key, used_at__isnull=False)
        .values_list("answer", flat=True)
        .first()
    )


# --- accepting a resume -------------------------------------------------------------------------


class Refused(Exception):
    """A resume URL that cannot be used (now or ever): the HTTP status, a code and a message
    that tells its holder what happened."""

    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.retry_after = retry_after


@dataclass(frozen=True)
class Resumable:
    """What a resume URL leads to: its token, execution, wait node and (once it exists) step."""

    token: ResumeToken
    execution: Execution
    node: PlanNode
    step: Step | None

    @property
    def mode(self) -> str:
        if self.node.type == AGENT:  # an agent's tool call waiting for a person
            return "approval"
        return str(self.node.config.get("mode") or "webhook")

    def form(self) -> WaitConfig:
        """The approval form as the step rendered it (title, description, fields); for an
        agent's tool call, the tool and the arguments the model gave it."""
        if self.node.type == AGENT:
            return _tool_call_form(self.execution, self.token.key)
        stored = self.step.input if self.step is not None else None
        return WaitConfig.model_validate(stored or self.node.config)


def _tool_call_form(execution: Execution, key: str) -> WaitConfig:
    step_key, _, seq = key.partition(APPROVAL)
    event = AgentEvent.objects.filter(
        execution=execution, step_key=step_key, seq=int(seq) if seq.isdigit() else -1
    ).first()
    name = event.name if event is not None else "a tool"
    arguments = event.data.get("arguments") if event is not None else {}
    return WaitConfig(
        mode="approval",
        title=f"Let the agent call {name}?",
        description=f"The agent “{step_key}” wants to call the tool {name} with these "
        f"arguments:\n{json.dumps(arguments, indent=2, ensure_ascii=False)}\n\nApprove to run "
        "it; reject and the agent is told it may not.",
    )


def find(raw: str) -> Resumable:
    """The wait a resume URL's token leads to; Refused (404) for a token that leads nowhere."""
    token = (
        ResumeToken.objects.select_related("execution", "execution__workflow")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    if token is None:
        raise Refused(404, "not_found", "No wait is resumed at this URL; check the link.")
    execution = token.execution
    plan = plan_for(execution.version_id, lambda: execution.version.graph, execution.trigger_node)
    step_key = step_key_of(token.key)
    node_id, _ = parse_key(step_key)
    step = Step.objects.filter(execution=execution, key=step_key).first()
    return Resumable(token, execution, plan.nodes[node_id], step)


def check(target: Resumable, now: datetime | None = None) -> None:
    """Refused when the URL cannot resume its wait (used, too late, run over, cancelled); an
    approval form (or form page) is refused until its step waits, as it is the step that fills
    it in."""
    now = now or timezone.now()
    token, execution, step = target.token, target.execution, target.step
    if token.used_at is not None:
        when = timezone.localtime(token.used_at).strftime("%Y-%m-%d %H:%M:%S")
        raise Refused(409, "already_used", f"This link was used already, at {when}.")
    if execution.status == E.CANCELLED:
        raise Refused(410, "cancelled", "The run this link belongs to was cancelled.")
    if execution.is_finished:
        raise Refused(
            409, "finished", f"The run this link belongs to has finished ({execution.status})."
        )
    if recorded(execution.pk, token.key) is not None:
        raise Refused(409, "already_resumed", "This wait was resumed already, by another link.")
    open_statuses = (S.PENDING, S.RUNNING, S.WAITING)
    if step is not None and step.status in open_statuses and _timed_out(step, now):
        raise Refused(409, "timed_out", "Too late: this wait timed out and the run went on.")
    if step is None or step.status in open_statuses:
        if target.mode in ("approval", "form") and (step is None or step.status != S.WAITING):
            what = "approval" if target.mode == "approval" else "form page"
            raise Refused(
                409,
                "not_ready",
                f"This {what} is not open yet: the run has not reached it. Try again in a moment.",
                retry_after=5,
            )
        return
    if step.status == S.SUCCEEDED and "timeout" in (step.handles or []):
        raise Refused(409, "timed_out", "Too late: this wait timed out and the run went on.")
    if step.status == S.CANCELLED:
        raise Refused(410, "cancelled", "The wait this link resumes was cancelled.")
    if step.status == S.SKIPPED:
        raise Refused(409, "skipped", "The run took another way: this wait was skipped.")
    raise Refused(409, step.status, f"The wait this link resumes has {step.status}.")


def _timed_out(step: Step, now: datetime) -> bool:
    """Woken by the sweep (its timeout), or past its deadline with the sweep about to."""
    if step.wake_at is None:
        return False
    return step.status != S.WAITING or step.wake_at <= now


def accept(target: Resumable, answer: dict[str, Any]) -> str:
    """Record `answer` as the wait's output and wake the step, unless it can no longer be
    resumed (Refused). Returns `resumed`, `paused` (it goes on when the execution is resumed)
    or `early` (the step has not started waiting: it finishes with the answer when it does)."""
    with transaction.atomic():
        # The lock every checkpoint of the execution takes: see the module docstring.
        execution = Execution.objects.select_for_update().get(pk=target.execution.pk)
        token = ResumeToken.objects.select_for_update().get(pk=target.token.pk)
        step = Step.objects.filter(pk=target.step.pk).first() if target.step else None
        if step is None:
            step = Step.objects.filter(execution=execution, key=step_key_of(token.key)).first()
        current = Resumable(token, execution, target.node, step)
        check(current)
        token.used_at, token.answer = timezone.now(), answer
        token.save(update_fields=["used_at", "answer"])
        woken = wake(execution.pk, step_key_of(token.key))
    if execution.status == E.PAUSED:
        return "paused"
    return "resumed" if woken else "early"
