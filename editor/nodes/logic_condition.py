from __future__ import annotations

from typing import Any

from editor.nodes.base import NodeType, RunContext
from editor.nodes.rules import RuleSet, evaluate


class Config(RuleSet):
    """Rules whose result picks the `true` or the `false` output."""


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    return {"result": evaluate(config)}


def route(config: Any, output: Any) -> list[str]:
    return ["true" if output["result"] else "false"]


NODE = NodeType(
    contained=True,
    type="logic.condition",
    label="If",
    category="logic",
    description="Sends the run down the 'true' or the 'false' output depending on the rules.",
    Config=Config,
    run=run,
    handles=("true", "false"),
    route=route,
)
