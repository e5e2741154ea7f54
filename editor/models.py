"""Workflows, their saved versions, and the items deduplicating nodes remember across runs."""

from __future__ import annotations

import copy
import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse

from editor.graph import starter_graph


def new_webhook_token() -> str:
    return secrets.token_urlsafe(24)


class Workflow(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workflows"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    graph = models.JSONField(default=starter_graph)
    version = models.PositiveIntegerField(default=1)
    is_active = models.BooleanField(default=False)
    max_concurrency = models.PositiveIntegerField(
        default=0,
        help_text="Executions of this workflow that may run at once; more wait as pending. 0: no limit.",
    )
    webhook_token = models.CharField(max_length=64, unique=True, default=new_webhook_token)
    # Started at its `trigger.error` when a run of this workflow fails (DESIGN §8 settings;
    # executions/engine/error_workflows.py). One of the owner's workflows, checked by
    # `editor.workflow_settings`.
    error_workflow = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reported_by"
    )
    # DESIGN §8 settings: {max_cost_usd_per_run, max_tokens_per_run} (either may be absent):
    # a run whose AI spend reaches it stops (executions/engine/agents.py). {}: no budget.
    ai_budget = models.JSONField(default=dict, blank=True)
    # --- n8nitems ---
    # A workflow imported from n8n: which n8n node each node came from and where its n8n items
    # lie in a run ({nodes: {node_id: {name, type, outputs: [{handles, items}]}}}), read by
    # executions/n8n_view.py. {} for other workflows.
    n8n_import = models.JSONField(default=dict, blank=True)
    # --- end n8nitems ---
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-updated_at", "-id"], name="workflow_owner_recent")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("editor:workflow", args=[self.pk])

    @property
    def webhook_path(self) -> str:
        return f"/hooks/{self.webhook_token}"

    @property
    def has_error_trigger(self) -> bool:
        """Whether the current graph has a `trigger.error`: only then can it be an error workflow."""
        nodes = self.graph.get("nodes") if isinstance(self.graph, dict) else None
        return any(isinstance(n, dict) and n.get("type") == "trigger.error" for n in nodes or [])

    @classmethod
    @transaction.atomic
    def create(
        cls, owner: Any, name: str, description: str = "", graph: dict | None = None
    ) -> Workflow:
        """A new workflow with its first version (v1)."""
        workflow = cls.objects.create(
            owner=owner,
            name=name,
            description=description,
            graph=graph if graph is not None else starter_graph(),
        )
        WorkflowVersion.objects.create(
            workflow=workflow, number=1, graph=workflow.graph, created_by=owner, note="Created"
        )
        return workflow

    @transaction.atomic
    def save_graph(self, graph: dict, *, user: Any, note: str = "") -> WorkflowVersion | None:
        """Store a new graph as the next version; a save that changes nothing makes no version."""
        locked = Workflow.objects.select_for_update().get(pk=self.pk)
        if locked.graph == graph:
            return None
        locked.graph = graph
        locked.version += 1
        locked.save(update_fields=["graph", "version", "updated_at"])
        self.graph, self.version, self.updated_at = locked.graph, locked.version, locked.updated_at
        return WorkflowVersion.objects.create(
            workflow=self, number=locked.version, graph=graph, created_by=user, note=note
        )

    def restore(self, number: int, *, user: Any) -> WorkflowVersion | None:
        """Restoring makes a new version with the old graph, so history is never rewritten."""
        old = self.versions.get(number=number)
        return self.save_graph(copy.deepcopy(old.graph), user=user, note=f"Restored from v{number}")

    def duplicate(self, *, user: Any) -> Workflow:
        return Workflow.create(
            user,
            name=f"{self.name} (copy)"[:200],
            description=self.description,
            graph=copy.deepcopy(self.graph),
        )

    def regenerate_webhook_token(self) -> None:
        self.webhook_token = new_webhook_token()
        self.save(update_fields=["webhook_token", "updated_at"])


class WorkflowVersion(models.Model):
    """An immutable snapshot of a workflow's graph, one per save."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    graph = models.JSONField()
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "number"], name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.workflow} v{self.number}"


CHUNK = 500  # keys per statement: SQLite allows 999 parameters in older builds


class SeenItem(models.Model):
    """An item a `utility.dedupe` node (scope `workflow`) kept, remembered until `expires_at`
    so later executions of the workflow drop it. `seen_by` is the step that kept it
    (`<execution id>:<step key>`): a retried attempt of that step keeps it again."""

    # The unique constraint's index starts with the workflow: no index of its own.
    workflow = models.ForeignKey(
        Workflow, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    node_id = models.CharField(max_length=64)
    key_hash = models.CharField(max_length=64)  # sha256 of the item's canonical key
    seen_by = models.CharField(max_length=100)
    seen_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "node_id", "key_hash"], name="seen_item_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.node_id} saw {self.key_hash[:12]} until {self.expires_at:%Y-%m-%d}"

    @classmethod
    def remember(
        cls,
        workflow_id: int,
        node_id: str,
        hashes: list[str],
        *,
        seen_by: str,
        now: datetime,
        expires_at: datetime,
    ) -> set[str]:
        """Those of `hashes` no other step kept (or whose memory expired), recorded as kept by
        `seen_by`. Correct under concurrent executions: the unique constraint lets exactly one
        insert of a key win (the others' are ignored), and each reads back whose it is. Keys
        already held are only read.
        Call it outside a transaction (node code runs in autocommit): then no row lock is held
        from one statement to the next, and with keys inserted in sorted order two executions
        inserting the same keys cannot deadlock."""
        node = SeenItem.objects.filter(workflow_id=workflow_id, node_id=node_id)
        ordered = sorted(set(hashes))
        new: set[str] = set()
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            node.filter(key_hash__in=chunk, expires_at__lte=now).delete()
            held = dict(node.filter(key_hash__in=chunk).values_list("key_hash", "seen_by"))
            new.update(key for key, by in held.items() if by == seen_by)
            missing = [key for key in chunk if key not in held]
            if not missing:
                continue
            rows = [
                SeenItem(
                    workflow_id=workflow_id,
                    node_id=node_id,
                    key_hash=key,
                    seen_by=seen_by,
                    seen_at=now,
                    expires_at=expires_at,
                )
                for key in missing
            ]
            SeenItem.objects.bulk_create(rows, ignore_conflicts=True)
            mine = node.filter(key_hash__in=missing, seen_by=seen_by)
            new.update(mine.values_list("key_hash", flat=True))
        return new

    @classmethod
    def forget_expired(cls, now: datetime, batch: int = 10_000) -> int:
        """Delete up to `batch` expired rows (the sweep calls this again for the rest)."""
        ids = list(cls.objects.filter(expires_at__lte=now).values_list("pk", flat=True)[:batch])
        return cls.objects.filter(pk__in=ids).delete()[0] if ids else 0


# --- devtools: trigger.poll ---
class Poll(models.Model):
    """When an active workflow's `trigger.poll` asks its API next, and how the last ask went
    (executions/polls.py keeps it in step with the graph and runs it; the workflow page shows
    it). The ids it has seen are `SeenItem` rows under the trigger's node id.

    `claimed_at`: set when the sweep hands the poll to a worker (and `next_poll_at` moved past
    the worker's time limit), so a second sweep does not send it again; the worker polls only
    if the claim is still the one it was sent with."""

    workflow = models.OneToOneField(Workflow, on_delete=models.CASCADE, related_name="poll")
    node_id = models.CharField(max_length=64)
    # What the poll asks (url, method, items_path, id_field...): a change starts over with a
    # first poll that only records what exists.
    fingerprint = models.CharField(max_length=64)
    interval_seconds = models.PositiveIntegerField()
    next_poll_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    primed = models.BooleanField(default=False)  # the first poll has recorded what exists
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=10, blank=True)  # "ok", "error"
    last_error = models.TextField(blank=True)
    last_found = models.PositiveIntegerField(default=0)  # items in the last answer
    last_started = models.PositiveIntegerField(default=0)  # runs the last poll started
    failures = models.PositiveIntegerField(default=0)  # in a row: the back-off grows with it
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.workflow} · poll every {self.interval_seconds} s"


# --- end devtools ---


# --- sheetsupdate: what a poll watching for changes saw last ---
class PollSnapshot(models.Model):
    """The last answer of a poll whose `emit` is changed or new_or_changed, as one digest per
    item (executions/poll_changes.py): `digests` maps a short hash of each item's id to a
    short hash of its watched fields. Hashes only, so no cell or field value is stored, and
    the size is bounded by one answer (at most `poll_changes.MAX_WATCHED` items, 32 characters
    each). Deleted with its poll, so a workflow activated again records a new baseline."""

    poll = models.OneToOneField(
        Poll, on_delete=models.CASCADE, primary_key=True, related_name="snapshot"
    )
    digests = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.poll} · {len(self.digests)} items watched"


# --- end sheetsupdate ---
