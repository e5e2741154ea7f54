"""Keep each workflow's schedule in step with its graph and activation.

A receiver here rather than a call in `editor`: the editor app never imports the engine's side
(DESIGN §1), yet every way a workflow changes — `save_graph`, activate and deactivate, a full
save — goes through `Workflow.save()`. Deleting a workflow deletes its schedule (CASCADE).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from editor.models import Workflow
from executions import polls, schedules

# Saves that name their fields and touch none of these cannot change the schedule.
SCHEDULE_FIELDS = frozenset({"graph", "is_active"})


@receiver(post_save, sender=Workflow, dispatch_uid="executions.sync_schedule")
def sync_schedule(
    sender: type[Workflow],
    instance: Workflow,
    created: bool = False,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    if raw or (created and not instance.is_active):
        return
    if update_fields is not None and not SCHEDULE_FIELDS & update_fields:
        return
    schedules.sync(instance)
    polls.sync(instance)  # --- devtools: trigger.poll ---
