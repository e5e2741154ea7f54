"""logic.stop: fail the run on purpose, with a message (n8n's "Stop and Error").

A Stop node always fails its execution: its error is never retried (a `NodeError` is not
retryable) and validation refuses an `on_error` other than `fail` on it (`NodeType.stops_run`),
so nothing can turn the failure into output. docs/control-flow.md, "Error workflows and Stop".
"""

from __future__ import annotations

from typing import NoReturn

from pydantic import Field

from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext


class Config(NodeConfig):
    message: str = Field(
        ...,
        min_length=1,
        max_length=2000,
        description="Why the run stops: the execution's error (may be a template, e.g. "
        "'Order {{ trigger.body.id }} has no total').",
    )
    code: str = Field(
        "",
        max_length=100,
        description="An optional error code for whoever reads the error (an error workflow can "
        "test for it), e.g. 'MISSING_TOTAL'.",
    )


def run(config: Config, ctx: RunContext) -> NoReturn:
    message = str(config.message).strip() or "Stopped."
    code = str(config.code).strip()
    raise NodeError(f"{message} (code {code})" if code else message)


NODE = NodeType(
    type="logic.stop",
    label="Stop and fail",
    category="logic",
    description="Ends the run as failed with your message (and code). An error workflow, if the "
    "workflow has one, is told.",
    Config=Config,
    run=run,
    handles=(),
    stops_run=True,
)
