"""A workflow's settings (DESIGN §8, `/api/workflows/{id}/settings`): its error workflow and
its AI budget per run.

The same checks serve the API and the workflow page's Settings dialog.
"""

from __future__ import annotations

from typing import Any

from editor.models import Workflow

BUDGET_FIELDS = ("max_cost_usd_per_run", "max_tokens_per_run")


class SettingInvalid(Exception):
    """A setting that cannot be saved: `field` names it, `message` says why."""

    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


def error_workflow_choices(workflow: Workflow) -> list[Workflow]:
    """The owner's workflows that can be this one's error workflow (those with an error
    trigger), by name. Read in Python: SQLite cannot search inside the graph's JSON."""
    mine = Workflow.objects.filter(owner_id=workflow.owner_id).only("id", "name", "graph")
    return [w for w in mine.order_by("name", "id") if w.has_error_trigger]


def chosen_error_workflow(workflow: Workflow, value: int | None) -> Workflow | None:
    """The workflow `value` names as `workflow`'s error workflow, checked (None: no error
    workflow). Another user's workflow is refused as one that does not exist."""
    if value is None:
        return None
    target = Workflow.objects.filter(pk=value, owner_id=workflow.owner_id).first()
    if target is None:
        raise SettingInvalid("error_workflow", f"Workflow {value} does not exist or is not yours.")
    if not target.has_error_trigger:
        raise SettingInvalid(
            "error_workflow",
            f"“{target.name}” has no error trigger: add an Error trigger (trigger.error) to it "
            "first, or pick another workflow.",
        )
    return target


def set_error_workflow(workflow: Workflow, target: Workflow | None) -> None:
    workflow.error_workflow = target
    workflow.save(update_fields=["error_workflow", "updated_at"])


def set_ai_budget(workflow: Workflow, budget: dict[str, Any] | None) -> None:
    """Store the per-run AI budget (only the limits set; None or {} removes it). The values
    were checked by the API schema or the settings form."""
    kept = {k: v for k, v in (budget or {}).items() if k in BUDGET_FIELDS and v is not None}
    workflow.ai_budget = kept
    workflow.save(update_fields=["ai_budget", "updated_at"])
