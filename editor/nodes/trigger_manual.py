from __future__ import annotations

from typing import Any

from pydantic import Field

from editor.nodes.base import NodeConfig, NodeType, RunContext


class Config(NodeConfig):
    sample_payload: Any = Field(
        default_factory=dict,
        description="Example data for test runs from the editor; a run's own payload replaces it.",
    )


def run(config: Config, ctx: RunContext) -> Any:
    """The trigger's output is the payload the run was started with."""
    return ctx.input


NODE = NodeType(
    type="trigger.manual",
    label="Manual trigger",
    category="trigger",
    description="Starts the workflow when you press Run, or from the API with a payload.",
    Config=Config,
    run=run,
)
