from __future__ import annotations

import re
from typing import Annotated, Any, Self

from pydantic import AfterValidator, Field, model_validator

from editor.nodes.base import NodeConfig, NodeType, RunContext
from editor.nodes.rules import RuleSet, evaluate

HANDLE_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def _handle(value: str) -> str:
    if not HANDLE_RE.match(value):
        raise ValueError(
            f"'{value}' is not a valid output name (lowercase letters, digits, underscores)"
        )
    return value


Handle = Annotated[str, AfterValidator(_handle)]


class Case(RuleSet):
    handle: Handle = Field(
        ..., description="Name of the output this case sends the run to, e.g. 'refund'."
    )


class Config(NodeConfig):
    cases: list[Case] = Field(
        ...,
        min_length=1,
        description="Tested in order; the first case whose rules hold picks its output.",
    )
    default_handle: Handle = Field("default", description="The output used when no case matches.")

    @model_validator(mode="after")
    def _unique_handles(self) -> Self:
        names = [c.handle for c in self.cases] + [self.default_handle]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"output names must be unique; repeated: {', '.join(duplicates)}")
        return self


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    for case in config.cases:
        if evaluate(case):
            return {"handle": case.handle}
    return {"handle": config.default_handle}


def handles(config: Any) -> list[str]:
    if config is None:
        return []
    return [c.handle for c in config.cases] + [config.default_handle]


NODE = NodeType(
    contained=True,
    type="logic.switch",
    label="Switch",
    category="logic",
    description="Sends the run down the output of the first case whose rules hold, or the default output.",
    Config=Config,
    run=run,
    handles_from_config=handles,
    route=lambda config, output: [output["handle"]],
)
