"""Graphs for sub-workflow tests: a workflow that starts when called, and one that calls it."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from editor.models import Workflow
from tests.engine_helpers import make_workflow


def template(node_id: str, expression: str) -> dict:
    return {
        "id": node_id,
        "type": "utility.transform",
        "config": {"language": "template", "expression": expression},
    }


def called(inputs: list[dict] | None = None, *after: dict) -> dict:
    """A graph that starts when called, then runs `after` in a line."""
    nodes = [{"id": "called", "type": "trigger.workflow", "config": {"inputs": inputs or []}}]
    nodes += after
    ids = [n["id"] for n in nodes]
    return {"nodes": nodes, "edges": [{"source": a, "target": b} for a, b in pairwise(ids)]}


def caller(workflow_id: int, inputs: dict[str, Any] | None = None, **config: Any) -> dict:
    """A manual trigger, then a call of `workflow_id`, then a step reading the call's output."""
    return {
        "nodes": [
            {"id": "start", "type": "trigger.manual"},
            {
                "id": "call",
                "type": "action.workflow",
                "config": {"workflow": workflow_id, "inputs": inputs or {}, **config},
            },
            template("after", "got {{ nodes.call.status }}"),
        ],
        "edges": [{"source": "start", "target": "call"}, {"source": "call", "target": "after"}],
    }


GREETER_INPUTS = [
    {"name": "name", "type": "string", "required": True},
    {"name": "times", "type": "number"},
]


def greeter(owner: Any) -> Workflow:
    return make_workflow(
        owner,
        called(
            GREETER_INPUTS,
            template("greet", "{{ ('hello ' ~ trigger.name ~ ' ') * trigger.times }}"),
        ),
        name="Greeter",
    )
