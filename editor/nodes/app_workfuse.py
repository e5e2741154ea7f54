"""`app.workfuse`: a step acting on WorkFuse itself, as its workflow's owner, on that owner's own
workflows and executions only: list, get, create (from a WorkFuse or an n8n export), activate,
deactivate and delete workflows; list and get executions (docs/workfuse-node.md).

It needs no credential: it acts as the owner of the workflow it runs in, and another owner's
workflow or execution is "not found", like one that does not exist. The engine runs it
(executions/engine/own_workflows.py): creating a workflow goes through the import
(`editor.transfer`, which sits above the node catalog) and executions live in the engine's app.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, Field, model_validator

from editor.nodes.base import NodeConfig, NodeType
from editor.templating import is_template
from integrations.operations import check_needed_fields, used_by
from workfuse.lib.params import row_id

Operation = Literal[
    "list_workflows",
    "get_workflow",
    "create_workflow",
    "activate_workflow",
    "deactivate_workflow",
    "delete_workflow",
    "list_executions",
    "get_execution",
]
# The operations acting on one workflow, named by `workflow`.
ON_A_WORKFLOW = ("get_workflow", "activate_workflow", "deactivate_workflow", "delete_workflow")
# Execution statuses (DESIGN §6), and "any".
Status = Literal["any", "pending", "running", "paused", "succeeded", "failed", "cancelled"]
# A list answers at most this many workflows or executions (each workflow with its graph);
# the step's output limit (WORKFUSE_MAX_STEP_OUTPUT_BYTES) still applies to what they weigh.
MAX_RESULTS = 1000


def _workflow_id(value: Any) -> str:
    """A workflow's id as text: a whole number, or a template giving one (checked again once
    rendered); empty when none is given."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("must be a workflow id (a whole number) or a template giving one")
    text = str(value).strip()
    if text and not is_template(text) and row_id(text) is None:
        raise ValueError(f"'{text}' is not a workflow id (a whole number)")
    return text


class Config(NodeConfig):
    operation: Operation = Field(
        "list_workflows",
        description="list_workflows: your workflows, each as its WorkFuse export with its id, "
        "is_active and times; get_workflow: one of them; create_workflow: a new workflow from "
        "a WorkFuse or n8n export; activate_workflow / deactivate_workflow / delete_workflow: "
        "change one (never the running workflow itself); list_executions: your runs, newest "
        "first; get_execution: one run's status, times and error.",
    )
    workflow: Annotated[str, BeforeValidator(_workflow_id)] = Field(
        "",
        description="The workflow's id, e.g. 12 or '{{ item.id }}'. list_executions: only its "
        "runs (empty: the runs of all your workflows).",
        json_schema_extra=used_by(*ON_A_WORKFLOW, "list_executions", required=ON_A_WORKFLOW),
    )
    active: Literal["all", "active", "inactive"] = Field(
        "all",
        description="List every workflow, only the active ones, or only the inactive ones.",
        json_schema_extra=used_by("list_workflows"),
    )
    name_contains: str = Field(
        "",
        description="List only the workflows whose name contains this text (any case).",
        json_schema_extra=used_by("list_workflows"),
    )
    document: Any = Field(
        None,
        description="The workflow to create: a WorkFuse export or an n8n workflow export, as "
        "an object or as JSON text, usually a template such as '{{ nodes.agent.response }}'. "
        "It is imported as POST /api/workflows/import imports it, and refused the same way.",
        json_schema_extra=used_by("create_workflow", required=True),
    )
    execution: str = Field(
        "",
        description="The execution's id (a UUID), e.g. '{{ item.id }}'.",
        json_schema_extra=used_by("get_execution", required=True),
    )
    status: Status = Field(
        "any",
        description="List only the runs with this status.",
        json_schema_extra=used_by("list_executions"),
    )
    max_results: int = Field(
        100,
        ge=1,
        le=MAX_RESULTS,
        description=f"List at most this many (up to {MAX_RESULTS}); `truncated` says if there "
        "were more.",
        json_schema_extra=used_by("list_workflows", "list_executions"),
    )

    @model_validator(mode="after")
    def _needed_fields(self) -> Self:
        check_needed_fields(self, self.operation)
        return self


NODE = NodeType(
    type="app.workfuse",
    label="WorkFuse",
    category="app",
    description="Works on your own WorkFuse workflows and runs, as you: lists, reads, creates "
    "(from a WorkFuse or n8n export), activates, deactivates and deletes workflows, and lists "
    "and reads executions. Back up every workflow, or save the workflow an agent wrote. Needs "
    "no credential, and never sees anyone else's workflows.",
    Config=Config,
    icon="⚙",
    examples=(
        (
            "Get all my workflows to back them up",
            {"operation": "list_workflows", "max_results": 1000},
        ),
        ("Turn off workflow 12", {"operation": "deactivate_workflow", "workflow": "12"}),
        (
            "Create the workflow the agent wrote",
            {"operation": "create_workflow", "document": "{{ nodes.agent.response }}"},
        ),
        (
            "The last 20 failed runs of workflow 7",
            {
                "operation": "list_executions",
                "workflow": "7",
                "status": "failed",
                "max_results": 20,
            },
        ),
    ),
)
