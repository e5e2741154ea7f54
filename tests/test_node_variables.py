"""Template variables offered at a node (editor/variables.py): the trigger, upstream nodes only
(from the editor's current graph), loop variables in a loop body, and the keys of the last run's
trigger data and step outputs — never their values."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from editor import variables
from editor.models import Workflow
from executions.models import Execution

pytestmark = pytest.mark.django_db


def http(node_id: str) -> dict[str, Any]:
    return {"id": node_id, "type": "action.http", "config": {"url": "https://example.com"}}


# hook → get_user → notify → after, and hook → side (a parallel branch)
GRAPH = {
    "nodes": [
        {"id": "hook", "type": "trigger.webhook", "config": {}},
        http("get_user"),
        http("notify"),
        http("after"),
        http("side"),
    ],
    "edges": [
        {"source": "hook", "target": "get_user"},
        {"source": "get_user", "target": "notify"},
        {"source": "notify", "target": "after"},
        {"source": "hook", "target": "side"},
    ],
}


@pytest.fixture
def workflow(alice: Any) -> Workflow:
    return Workflow.create(alice, "Orders", graph=GRAPH)


def offered(client: Any, workflow: Workflow, node_id: str, graph: dict | None = None) -> list:
    response = client.post(
        f"/workflows/{workflow.pk}/node-settings/",
        {
            "node_type": "action.http",
            "node_id": node_id,
            "config": "{}",
            "graph": json.dumps(graph or workflow.graph),
        },
    )
    assert response.status_code == 200
    return re.findall(r'data-var="([^"]+)"', response.content.decode())


def run(workflow: Workflow, trigger: Any, outputs: dict[str, Any]) -> Execution:
    execution = Execution.objects.create(
        workflow=workflow, version=workflow.versions.get(number=workflow.version)
    )
    execution.steps.create(node_id="hook", key="hook", status="succeeded", output=trigger)
    for key, output in outputs.items():
        execution.steps.create(node_id=key, key=key, status="succeeded", output=output)
    return execution


def test_only_upstream_nodes_are_offered(alice_client, workflow):
    paths = offered(alice_client, workflow, "notify")
    assert "trigger" in paths and "nodes.get_user" in paths
    for other in ("nodes.notify", "nodes.after", "nodes.side", "nodes.hook"):
        assert other not in paths
    assert {"execution.id", "item", "index"} & set(paths) == {"execution.id"}


def test_the_editors_unsaved_graph_decides_what_is_upstream(alice_client, workflow):
    graph = json.loads(json.dumps(GRAPH))
    graph["edges"].append({"source": "side", "target": "notify"})
    assert "nodes.side" in offered(alice_client, workflow, "notify", graph)
    assert "nodes.side" not in offered(alice_client, workflow, "notify")


def test_keys_of_the_last_run_are_offered_without_their_values(alice_client, workflow):
    run(workflow, {"body": {"stale_key": 1}}, {})
    run(
        workflow,
        {"method": "POST", "headers": {"content-type": "application/json"}, "body": {"id": 7}},
        {
            "get_user": {
                "status": 200,
                "body": {"email": "ada@example.com", "orders": [{"total": 12}]},
            },
            "side": {"status": 200, "body": {"secret_side_key": True}},
        },
    )
    html = alice_client.post(
        f"/workflows/{workflow.pk}/node-settings/",
        {"node_type": "action.http", "node_id": "notify", "config": "{}"},
    ).content.decode()
    paths = re.findall(r'data-var="([^"]+)"', html)
    assert "nodes.get_user.body.email" in paths
    assert "nodes.get_user.body.orders[0].total" in paths
    assert "trigger.body.id" in paths
    assert "trigger.headers[&quot;content-type&quot;]" in paths  # not a name: bracketed
    assert "trigger.body.stale_key" not in paths  # from an older run
    assert not any("secret_side_key" in p for p in paths)  # not upstream
    assert "ada@example.com" not in html
    kinds = dict(variables_of(workflow, "notify"))
    assert kinds["nodes.get_user.body.email"] == "string"
    assert kinds["nodes.get_user.body.orders"] == "array"
    assert kinds["nodes.get_user.status"] == "number"


def variables_of(workflow: Workflow, node_id: str) -> list[tuple[str, str]]:
    return [(v.path, v.kind) for v in variables.available(workflow, workflow.graph, node_id)]


def test_a_run_that_had_no_steps_yet_is_passed_over(workflow):
    run(workflow, {"body": {"from_the_run": 1}}, {})
    Execution.objects.create(workflow=workflow, version=workflow.versions.get())  # still queued
    assert ("trigger.body.from_the_run", "number") in variables_of(workflow, "notify")


def test_without_a_run_only_the_roots_are_offered(workflow):
    assert variables_of(workflow, "notify") == [
        ("trigger", ""),
        ("nodes.get_user", ""),
        ("execution.id", "string"),
        ("execution.started_at", "string"),
        ("workflow.id", "number"),
        ("workflow.name", "string"),
    ]


def test_the_trigger_itself_gets_no_variables(workflow):
    assert variables_of(workflow, "hook") == []


def test_loop_bodies_get_item_and_index(alice):
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "config": {}},
            {"id": "each", "type": "logic.loop", "config": {"items": "{{ trigger.items }}"}},
            http("inside"),
            http("later"),
        ],
        "edges": [
            {"source": "start", "target": "each"},
            {"source": "each", "source_handle": "each", "target": "inside"},
            {"source": "each", "source_handle": "done", "target": "later"},
        ],
    }
    workflow = Workflow.create(alice, "Loop", graph=graph)
    inside = dict(variables_of(workflow, "inside"))
    assert "item" in inside and "index" in inside
    # The loop has no output while its items run: a body step cannot read it.
    assert "nodes.each" not in inside
    assert "item" not in dict(variables_of(workflow, "later"))
