"""Helpers for the data node tests: run a node's code, save it through the API, show its form,
and run it in a workflow through the engine."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from editor.models import Workflow
from editor.nodes.base import RunContext
from executions import engine
from tests.engine_helpers import chain, make_workflow, steps_by_key
from tests.test_node_form import FormReader, apply, render


def ctx(**kwargs: Any) -> RunContext:
    """A context for step `n` of execution `e1` unless `kwargs` say otherwise."""
    return RunContext(**{"execution_id": "e1", "node_id": "n", "step_key": "n", **kwargs})


def run(module: ModuleType, config: dict[str, Any], **context: Any) -> Any:
    """The node's output for `config` (validated as the engine validates it)."""
    return module.run(module.Config.model_validate(config), ctx(**context))


def save_errors(api: Any, node_type: str, config: dict[str, Any]) -> list[dict[str, Any]]:
    """The field-level details of saving a workflow holding the node (POST /api/workflows)."""
    graph = chain({"id": "data", "type": node_type, "config": config})
    response = api.post("/api/workflows", {"name": "Data", "graph": graph})
    assert response.status_code == 400, response.content
    return response.json()["details"]


def form(client: Any, owner: Any, node_type: str, config: dict[str, Any]) -> FormReader:
    """The node settings form as the editor shows it."""
    workflow = Workflow.create(owner, "Form", graph=chain())
    response = render(client, workflow, node_type, config)
    assert response.status_code == 200
    return FormReader(response.content.decode())


def run_in_workflow(owner: Any, node: dict[str, Any], payload: Any = None) -> Any:
    """The succeeded step of `node`, run after a manual trigger by the engine."""
    execution = engine.start_execution(make_workflow(owner, chain(node)), payload)
    execution.refresh_from_db()
    step = steps_by_key(execution)[node["id"]]
    assert (execution.status, step.status) == ("succeeded", "succeeded"), step.error
    return step


def form_round_trip(client: Any, owner: Any, node_type: str, config: dict[str, Any]) -> Any:
    """The config the form gives back when submitted as shown."""
    workflow = Workflow.create(owner, "Form", graph=chain())
    shown = FormReader(render(client, workflow, node_type, config).content.decode())
    response, result = apply(client, workflow, node_type, config, shown.values)
    assert response.status_code == 200
    return result["config"]
