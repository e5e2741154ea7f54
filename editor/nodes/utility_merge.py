from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from editor.nodes.base import NodeConfig, NodeType, RunContext


class Config(NodeConfig):
    mode: Literal["all"] = Field(
        "all", description="'all': wait for every input that is still active."
    )


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """Inputs on skipped branches are absent; the engine starts a merge once the active ones finish."""
    return {"inputs": dict(ctx.inputs)}


NODE = NodeType(
    contained=True,
    type="utility.merge",
    label="Merge",
    category="utility",
    description="Waits for every active incoming branch and combines their outputs by node id.",
    Config=Config,
    run=run,
)
