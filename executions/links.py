"""The links between a called run and the run that called it (action.workflow), as the
execution page and the API show them: "called workflow X → run" on the calling step, "called by
workflow Y → run" on the called run."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.urls import reverse

from executions.models import Execution


@dataclass(frozen=True)
class CallLink:
    """The other end of a call: its run (`execution_id`, its workflow and status) and the
    calling step's key."""

    execution_id: uuid.UUID
    workflow: int
    workflow_name: str
    step_key: str
    status: str

    @property
    def url(self) -> str:
        return reverse("executions:detail", args=[self.execution_id])


def caller_of(execution: Execution) -> CallLink | None:
    """The run and step that called this one; None when it was not called (or that run was
    deleted with its workflow)."""
    if execution.parent_id is None:
        return None
    parent = (
        Execution.objects.select_related("workflow")
        .only("status", "workflow__name")
        .filter(pk=execution.parent_id)
        .first()
    )
    if parent is None:
        return None
    return CallLink(
        parent.pk,
        parent.workflow_id,
        parent.workflow.name,
        execution.parent_step_key,
        parent.status,
    )


def calls_of(execution: Execution) -> list[CallLink]:
    """The runs this one called, oldest first (a step retried from failure calls again)."""
    children = (
        Execution.objects.filter(parent=execution)
        .select_related("workflow")
        .only("status", "parent_step_key", "created_at", "workflow__name")
        .order_by("created_at", "pk")
    )
    return [
        CallLink(c.pk, c.workflow_id, c.workflow.name, c.parent_step_key, c.status)
        for c in children
    ]
