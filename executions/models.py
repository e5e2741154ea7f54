"""Executions and their steps: the durable record of every run (DESIGN §6).

The database is the source of truth. A step row exists for every node run (and every loop
item's run), holding its status, attempts, rendered input, output and timers; the broker only
carries wake-ups.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from editor.models import Workflow, WorkflowVersion

if TYPE_CHECKING:
    from executions.engine.running import Finished


class Execution(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        PAUSED = "paused"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELLED = "cancelled"

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    class Trigger(models.TextChoices):
        MANUAL = "manual"
        WEBHOOK = "webhook"
        SCHEDULE = "schedule"
        API = "api"
        REPLAY = "replay"
        RERUN = "rerun"
        WORKFLOW = "workflow"  # called by another workflow's action.workflow step
        # --- errorflows ---
        ERROR = "error"  # started by a failed run of a workflow that names this one
        # --- end errorflows ---
        # --- devtools ---
        POLL = "poll"  # a trigger.poll found a new item
        # --- end devtools ---
        # --- mcp ---
        MCP = "mcp", "MCP"  # an MCP client called the workflow as a tool (mcpserver/)
        # --- end mcp ---
        # --- chat ---
        CHAT = "chat"  # a chat message (the chat page, its public link or the chat API)
        # --- end chat ---

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="executions")
    # RESTRICT, not PROTECT: a version that executions ran cannot be deleted on its own, but
    # deleting its workflow deletes the versions together with those executions.
    version = models.ForeignKey(
        WorkflowVersion, on_delete=models.RESTRICT, related_name="executions"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    trigger_kind = models.CharField(max_length=12, choices=Trigger.choices, default=Trigger.MANUAL)
    trigger_data = models.JSONField(default=dict, blank=True)
    # The trigger node this run started at (a workflow may have several, DESIGN §3): the run
    # holds only what is reachable from it. Blank on runs from before: the first trigger.
    trigger_node = models.CharField(max_length=64, blank=True)
    # Why a pending execution has not started (e.g. the workflow's concurrency limit).
    waiting_reason = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    replay_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays"
    )
    rerun_from = models.CharField(max_length=64, blank=True, help_text="Node a rerun started from.")
    # Config overrides for single nodes in this execution only (rerun with edited input).
    overrides = models.JSONField(default=dict, blank=True)
    # A webhook with response: respond_node: the key of the logic.respond step whose answer
    # went to the caller (the first to commit), its rendered input holding the answer.
    answered_by = models.CharField(max_length=200, blank=True)
    # A called run (action.workflow, docs/control-flow.md): the execution and step that called
    # it; how deep in a chain of calls it is (0: not called) and the run at the top of that
    # chain, which the bounds WORKFUSE_MAX_WORKFLOW_DEPTH and WORKFUSE_MAX_CHILD_EXECUTIONS count.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    parent_step_key = models.CharField(max_length=200, blank=True)
    call_depth = models.PositiveSmallIntegerField(default=0)
    call_root = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # --- errorflows: error workflows (executions/engine/error_workflows.py) ---
    # Set with the failure, in its transaction, when the workflow has an error workflow to
    # start; cleared by the transaction that starts it (exactly once; the sweep retries).
    error_report_due = models.BooleanField(default=False)
    # On an error workflow's run: the failed execution it reports.
    error_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="error_runs"
    )
    # --- end errorflows ---
    # AI spend of this run so far: every agent turn and action.ai step adds its usage and
    # estimated cost in the transaction that records it; the workflow's `ai_budget` is checked
    # against it before each model call (executions/engine/agents.py).
    ai_tokens = models.PositiveBigIntegerField(default=0)
    ai_cost_usd = models.DecimalField(max_digits=14, decimal_places=6, default=Decimal(0))

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["workflow", "-created_at"], name="execution_workflow_recent"),
            models.Index(fields=["workflow", "status"], name="execution_workflow_status"),
            models.Index(fields=["status", "created_at"], name="execution_status_age"),
            models.Index(fields=["-created_at"], name="execution_recent"),
            models.Index(
                fields=["call_root"], name="execution_call_root", condition=Q(call_depth__gt=0)
            ),
            # --- errorflows: what the sweep looks for; partial, so nearly no row is in it ---
            models.Index(
                fields=["finished_at"],
                name="execution_report_due",
                condition=Q(error_report_due=True),
            ),
            # --- end errorflows ---
        ]

    def __str__(self) -> str:
        return f"{self.workflow} · {self.id}"

    def get_absolute_url(self) -> str:
        return reverse("executions:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def duration_ms(self) -> int | None:
        if self.started_at and self.finished_at:
            return int((self.finished_at - self.started_at).total_seconds() * 1000)
        return None

    def last_output(self) -> Any:
        """The run's result: the output of its last top-level step to succeed (what a
        synchronous webhook answers and a calling workflow receives); None without one."""
        return (
            self.steps.filter(status=Step.Status.SUCCEEDED)
            .exclude(key__contains="[")
            .order_by("-finished_at", "-id")
            .values_list("output", flat=True)
            .first()
        )


class Step(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        WAITING = "waiting"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        SKIPPED = "skipped"
        CANCELLED = "cancelled"

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.SKIPPED, Status.CANCELLED)

    # No index of its own: the unique (execution, key) index starts with it.
    execution = models.ForeignKey(
        Execution, on_delete=models.CASCADE, related_name="steps", db_index=False
    )
    node_id = models.CharField(max_length=64)
    # node_id, or node_id[i] (and node_id[i][j] ...) for runs inside loop bodies.
    key = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempt = models.PositiveIntegerField(default=0)
    attempts = models.JSONField(default=list, blank=True)
    input = models.JSONField(
        null=True, blank=True, help_text="The rendered config, secrets redacted."
    )
    output = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    # A failure the node's on_error setting turned into output (continue) or a route (error handle).
    error_handled = models.BooleanField(default=False)
    # The output handles this step fired, once finished ([] for skipped, failed or cancelled).
    handles = models.JSONField(default=list, blank=True)
    # Loop steps: how many items there are, and how many have been started so far.
    items_total = models.PositiveIntegerField(null=True, blank=True)
    items_started = models.PositiveIntegerField(default=0)
    reused = models.BooleanField(
        default=False, help_text="Copied from an earlier execution (rerun)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    wake_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=100, blank=True)

    # Not stored: set on a step a worker claims, the finished steps of its execution whose
    # outputs that worker has read or written, by key (a finished step's output never changes).
    known: dict[str, Finished]

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["execution", "key"], name="step_key_unique")]
        # What the sweeps look for. Partial, so a finished step (nearly all of them) is in
        # none of these, and a step's checkpoint has fewer index entries to write.
        indexes = [
            models.Index(fields=["wake_at"], name="step_timer", condition=Q(status="waiting")),
            models.Index(
                fields=["lease_expires_at"], name="step_lease", condition=Q(status="running")
            ),
            models.Index(
                fields=["dispatched_at"], name="step_dispatch", condition=Q(status="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"

    @property
    def duration_ms(self) -> int | None:
        if self.started_at and self.finished_at:
            return int((self.finished_at - self.started_at).total_seconds() * 1000)
        return None


class Schedule(models.Model):
    """When an active workflow with a schedule trigger fires next (executions.schedules).

    Kept in step with the workflow's graph and activation by `schedules.sync`; a due time is
    claimed by advancing `next_fire_at` in the transaction that starts its execution."""

    workflow = models.OneToOneField(Workflow, on_delete=models.CASCADE, related_name="schedule")
    cron = models.CharField(max_length=200)
    timezone = models.CharField(max_length=64)
    skip_if_running = models.BooleanField(default=False)
    # Null when the expression never matches again (e.g. 30 February).
    next_fire_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_fired_at = models.DateTimeField(null=True, blank=True)
    last_execution = models.ForeignKey(
        Execution, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.workflow} · {self.cron} ({self.timezone})"


class WebhookDelivery(models.Model):
    """An `Idempotency-Key` a webhook caller sent, and the execution it started (kept 24 h)."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workflow", "key"], name="webhook_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id}:{self.key}"


class RunRequest(models.Model):
    """An `Idempotency-Key` a `POST /api/workflows/{id}/run` caller sent, and the execution it
    started (kept 24 h): the same key from the same user answers that execution again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    # sha256 of the payload: a key sent again with another payload is refused, not replayed.
    fingerprint = models.CharField(max_length=64)
    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "workflow", "key"], name="run_request_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.workflow_id}:{self.key}"


class ResumeToken(models.Model):
    """A resume URL of a `utility.wait` step (`/hooks/resume/<token>`), and, once used, what it
    recorded for the step: the call that resumed it, or the approval form's answer.

    Only the token's sha256 is stored; the URL is shown once, where it is made (a template's
    `execution.resume_url`, the execution page's "Create a resume link"). A step may have
    several URLs; the first one used resumes it (one used token per step, by the constraint)
    and the others answer 409 from then on (executions/engine/waiting.py)."""

    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="+")
    # The key of the wait step this URL resumes (which may not have started waiting yet).
    key = models.CharField(max_length=200)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    # The wait step's output: {method, headers, query, body} or {approved, fields, by, at}.
    answer = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["execution", "key"],
                condition=Q(used_at__isnull=False),
                name="wait_resumed_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.execution_id}:{self.key}"


class AgentEvent(models.Model):
    """One checkpoint inside an `action.agent` step: the run's start (the messages it began
    with, memory included, and the tools it offers), a model turn, a tool call, or the memory
    written at its end. Each is stored as soon as it happens, so a step run again after a
    crash replays the finished ones instead of repeating them (executions/engine/agents.py).
    `seq` orders them within the step; a tool call that waits (an approval, a called workflow)
    is stored as `waiting` and finished in place."""

    class Kind(models.TextChoices):
        START = "start"
        TURN = "turn"
        TOOL = "tool"
        MEMORY = "memory"

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        WAITING = "waiting"

    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="agent_events")
    step_key = models.CharField(max_length=200)
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=100, blank=True)  # the tool's name
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUCCEEDED)
    data = models.JSONField(default=dict)
    tokens = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=6, null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["execution", "step_key", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["execution", "step_key", "seq"], name="agent_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.step_key}[{self.kind}:{self.seq}{':' + self.name if self.name else ''}]"

    @property
    def label(self) -> str:
        """How the execution page names it, e.g. `agent[turn:3]`, `agent[tool:4:lookup]`."""
        node = self.step_key
        if self.kind == self.Kind.TOOL:
            return f"{node}[tool:{self.seq}:{self.name}]"
        return f"{node}[{self.kind}:{self.seq}]"
