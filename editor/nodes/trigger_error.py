"""trigger.error: starts an error workflow when a run of a workflow that names it fails.

The engine builds the output with `payload()` (executions/engine/error_workflows.py) and starts
the run at this trigger; a run started by hand gets what it is given, and the workflow page
offers `example()` as its payload so the rest of the workflow can be tried.
"""

from __future__ import annotations

from typing import Any

from editor.nodes.base import NodeConfig, NodeType, RunContext


class Config(NodeConfig):
    """No settings: which workflows report here is chosen in their settings."""


def run(config: Config, ctx: RunContext) -> Any:
    return ctx.input


def payload(
    *,
    workflow: dict[str, Any],
    execution_id: str,
    url: str,
    error: str,
    failed_node: dict[str, Any] | None,
    trigger: dict[str, Any],
) -> dict[str, Any]:
    """The trigger's output (DESIGN §4): `{workflow:{id, name}, execution:{id, url, error,
    failed_node, trigger}}`. `failed_node` is `{id, key, type, label, error}` (null when no
    single step is to blame), `trigger` is `{kind, node}` of the failed run."""
    return {
        "workflow": {"id": workflow["id"], "name": workflow["name"]},
        "execution": {
            "id": execution_id,
            "url": url,
            "error": error,
            "failed_node": failed_node,
            "trigger": trigger,
        },
    }


def example() -> dict[str, Any]:
    """What a real failure looks like, for test runs started by hand."""
    return payload(
        workflow={"id": 1, "name": "Sync orders"},
        execution_id="00000000-0000-4000-8000-000000000000",
        url="http://127.0.0.1:8000/executions/00000000-0000-4000-8000-000000000000/",
        error="Step 'fetch' failed: HTTP 503 from https://api.example.com/orders",
        failed_node={
            "id": "fetch",
            "key": "fetch",
            "type": "action.http",
            "label": "Fetch orders",
            "error": "HTTP 503 from https://api.example.com/orders",
        },
        trigger={"kind": "schedule", "node": "every_hour"},
    )


NODE = NodeType(
    type="trigger.error",
    label="Error trigger",
    category="trigger",
    description="Starts this workflow when a run of another workflow fails (choose this one as "
    "that workflow's error workflow in its Settings).",
    Config=Config,
    run=run,
)
