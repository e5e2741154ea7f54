"""Running an `app.<service>` node the way the engine calls it (its Config validated, then
`run(config, ctx)` with the resolved credential), for tests of integrations."""

from __future__ import annotations

from typing import Any

import pytest

from editor.nodes import NODE_TYPES
from workfuse.lib.node_run import NodeError, RunContext, Secret


def run_app(node_type: str, config: dict[str, Any], secret: Secret | None) -> Any:
    node = NODE_TYPES[node_type]
    assert node.run is not None
    ctx = RunContext(execution_id="exec-1", node_id="app", step_key="app", secret=secret)
    return node.run(node.Config.model_validate(config), ctx)


def app_error(node_type: str, config: dict[str, Any], secret: Secret | None) -> NodeError:
    with pytest.raises(NodeError) as caught:
        run_app(node_type, config, secret)
    return caught.value
