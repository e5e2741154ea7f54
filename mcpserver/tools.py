"""Workflows as MCP tools: which of a user's workflows are tools, their names and input schemas,
a call's inputs checked, its run started, and what the run came to as a tool result.

No MCP types here (`server.py` turns these into the SDK's): what a client sees is decided by
plain functions over the ORM, tested without MCP. A tool is an *active* workflow whose graph
has a valid `trigger.workflow`; its inputs are that trigger's (`trigger_workflow.input_schema`),
checked and converted by `trigger_workflow.check_inputs` as a calling workflow's are.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.text import slugify

from editor.models import Workflow
from editor.nodes import trigger_workflow
from editor.nodes.trigger_workflow import WorkflowInput
from executions.engine.starting import start_execution
from executions.models import Execution
from workfuse.lib import safe_json

# MCP tool names: 1 to 64 characters of [A-Za-z0-9_.-] (the SDK warns beyond that); ours keep
# to [a-z0-9_] so that every client, some stricter than the spec, accepts them.
MAX_NAME = 64
_ID_SUFFIX = re.compile(r"_([1-9][0-9]*)$")


@dataclass(frozen=True)
class WorkflowTool:
    """One workflow as a tool. `trigger_node` is the id of its `trigger.workflow` node, where a
    call's run starts (a workflow may have other triggers beside it)."""

    workflow_id: int
    name: str
    title: str
    description: str
    inputs: list[WorkflowInput]
    trigger_node: str

    @property
    def input_schema(self) -> dict[str, Any]:
        return trigger_workflow.input_schema(self.inputs)


@dataclass(frozen=True)
class Outcome:
    """A tool call's result: the text a client shows, the structured value when the run's
    last output is an object, and whether it is an error."""

    text: str
    structured: dict[str, Any] | None = None
    is_error: bool = False


def tool_name(workflow_name: str, workflow_id: int) -> str:
    """`<slug of the name>_<id>`: readable, unique (the id), stable until the workflow is
    renamed, and at most 64 characters. A name with nothing to slug gives `workflow_<id>`."""
    suffix = f"_{workflow_id}"
    slug = slugify(workflow_name).replace("-", "_")[: MAX_NAME - len(suffix)].strip("_")
    return (slug or "workflow") + suffix


def _as_tool(workflow: Workflow) -> WorkflowTool | None:
    config = trigger_workflow.config_in(workflow.graph)
    if config is None:
        return None
    node = next(
        n["id"] for n in workflow.graph["nodes"] if n.get("type") == trigger_workflow.NODE.type
    )
    return WorkflowTool(
        workflow_id=workflow.pk,
        name=tool_name(workflow.name, workflow.pk),
        title=workflow.name,
        description=workflow.description.strip() or workflow.name,
        inputs=config.inputs,
        trigger_node=str(node),
    )


def _callable(user: Any) -> Any:
    return Workflow.objects.filter(owner=user, is_active=True).only("name", "description", "graph")


def tools_for(user: Any) -> list[WorkflowTool]:
    """The user's tools, by workflow name: their active workflows with a `trigger.workflow`."""
    tools = (_as_tool(w) for w in _callable(user).order_by("name", "pk"))
    return [tool for tool in tools if tool is not None]


def find_tool(user: Any, name: str) -> WorkflowTool | None:
    """The user's tool of that name now, or None (unknown, another user's, deactivated, renamed
    since it was listed, or its trigger.workflow removed)."""
    match = _ID_SUFFIX.search(name)
    workflow = _callable(user).filter(pk=int(match.group(1))).first() if match else None
    tool = _as_tool(workflow) if workflow is not None else None
    return tool if tool is not None and tool.name == name else None


def check_arguments(tool: WorkflowTool, arguments: Any) -> dict[str, Any]:
    """A call's arguments as the run's inputs: checked and converted against the declared
    inputs, and within the input limits every stored value keeps (`safe_json`). Raises
    ValueError naming the input."""
    inputs = trigger_workflow.check_inputs(tool.inputs, arguments)
    try:
        safe_json.check(inputs)
    except safe_json.JsonRefused as exc:
        raise ValueError(f"input '{exc.field}': {exc.reason}") from None
    return inputs


def start(user: Any, tool: WorkflowTool, inputs: dict[str, Any], execution_id: uuid.UUID) -> None:
    """Start the tool's workflow with these inputs as a run of kind `mcp`. Raises
    Workflow.DoesNotExist when it stopped being the user's active workflow since it was found,
    and `ExecutionRefused` when its graph cannot run."""
    workflow = Workflow.objects.select_related("owner").get(
        pk=tool.workflow_id, owner=user, is_active=True
    )
    start_execution(
        workflow,
        inputs,
        trigger_kind=Execution.Trigger.MCP,
        trigger_node=tool.trigger_node,
        execution_id=execution_id,
    )


def status_of(execution_id: uuid.UUID) -> str | None:
    return Execution.objects.filter(pk=execution_id).values_list("status", flat=True).first()


def outcome(execution_id: uuid.UUID, finished: str | None) -> Outcome:
    """What the run came to, read from the database: `finished` is its final status, or None
    when it had not finished within WORKFUSE_MCP_CALL_TIMEOUT_SECONDS."""
    execution = Execution.objects.get(pk=execution_id)
    url = settings.SITE_URL + execution.get_absolute_url()
    if finished is None:
        return result_of(None, None, "", url)
    output = execution.last_output() if finished == Execution.Status.SUCCEEDED else None
    return result_of(finished, output, execution.error, url)


def result_of(status: str | None, output: Any, error: str, url: str) -> Outcome:
    """The tool result for a run that ended with `status` (None: still going), its last
    node's `output` and its `error`; `url` is its execution page."""
    if status is None:
        seconds = settings.WORKFUSE_MCP_CALL_TIMEOUT_SECONDS
        return Outcome(
            f"The workflow is still running after {seconds} s; the run goes on without this "
            f"call. See its progress and result at {url}",
            is_error=True,
        )
    if status == Execution.Status.SUCCEEDED:
        text = json.dumps(output, ensure_ascii=False, default=str)
        return Outcome(text, output if isinstance(output, dict) else None)
    if status == Execution.Status.CANCELLED:
        return Outcome(f"The run was cancelled. See {url}", is_error=True)
    reason = error.strip() or "no error was recorded"
    return Outcome(f"The workflow failed: {reason}. See {url}", is_error=True)
