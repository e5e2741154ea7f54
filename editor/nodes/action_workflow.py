"""`action.workflow`: calls another of the owner's workflows (one that starts with
`trigger.workflow`) as a child execution of its own, and waits for its result or not.

The engine runs it (`executions/engine/calls.py`): a call is a real execution, started in the
calling step's checkpoint; with `wait` the step waits without a worker and the child's end wakes
it. Output: `{execution_id, status, output}` (`output`, the child's last node output, with
`wait` only).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from editor.nodes.base import NodeConfig, NodeType


class Config(NodeConfig):
    workflow: int = Field(
        ...,
        ge=1,
        description="The workflow to call: one of yours that starts with 'When called by a "
        "workflow' (trigger.workflow).",
    )
    inputs: dict[str, Any] = Field(
        default_factory=dict,
        description="The values to pass, by the called workflow's input names; each may be a "
        "template such as '{{ nodes.fetch.body.email }}'.",
    )
    wait: bool = Field(
        True,
        description="Wait for the called workflow to finish and output its result; off: start it "
        "and go on at once.",
    )


NODE = NodeType(
    type="action.workflow",
    label="Call a workflow",
    category="action",
    description="Runs another of your workflows (one that starts with 'When called by a "
    "workflow') with the inputs you give, and waits for its result or not.",
    Config=Config,
    calls_workflow=True,
)
