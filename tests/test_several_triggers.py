"""Several triggers in one workflow (DESIGN §3): a run holds only what its trigger reaches."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from executions import engine
from executions.models import Execution
from executions.plan import compile_plan, entry_trigger
from tests.engine_helpers import make_workflow, steps_by_key

pytestmark = pytest.mark.django_db(transaction=True)


def template(node_id: str, expression: str) -> dict:
    return {
        "id": node_id,
        "type": "utility.transform",
        "config": {"language": "template", "expression": expression},
    }


GRAPH = {
    "nodes": [
        {"id": "by_hand", "type": "trigger.manual"},
        {"id": "hook", "type": "trigger.webhook", "config": {"response": "last_node"}},
        template("manual_only", "manual {{ trigger.n }}"),
        template("hook_only", "hook {{ trigger.body.n }}"),
        {"id": "both", "type": "utility.merge"},
        template("after", "{{ nodes.both.inputs | length }}"),
    ],
    "edges": [
        {"source": "by_hand", "target": "manual_only"},
        {"source": "hook", "target": "hook_only"},
        {"source": "manual_only", "target": "both"},
        {"source": "hook_only", "target": "both"},
        {"source": "both", "target": "after"},
    ],
}


def test_a_manual_run_holds_only_what_the_manual_trigger_reaches(alice):
    workflow = make_workflow(alice, GRAPH)
    execution = engine.start_execution(workflow, {"n": 3})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert execution.trigger_node == "by_hand"
    steps = steps_by_key(execution)
    assert set(steps) == {"by_hand", "manual_only", "both", "after"}
    # The merge waits only for the inputs this run can have: the manual branch.
    assert steps["both"].output == {"inputs": {"manual_only": {"result": "manual 3"}}}
    assert steps["after"].output == {"result": 1}


def test_a_webhook_call_starts_at_the_webhook_trigger(alice, client):
    workflow = make_workflow(alice, GRAPH)
    workflow.is_active = True
    workflow.save()
    response = client.post(workflow.webhook_path, {"n": 5}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json() == {"result": 1}
    execution = workflow.executions.get()
    assert execution.trigger_node == "hook"
    assert set(steps_by_key(execution)) == {"hook", "hook_only", "both", "after"}
    assert steps_by_key(execution)["hook_only"].output == {"result": "hook 5"}


def test_replay_and_explicit_start_keep_the_trigger(alice):
    workflow = make_workflow(alice, GRAPH)
    first = engine.start_execution(
        workflow, {"body": {"n": 1}}, trigger_kind=Execution.Trigger.API, trigger_node="hook"
    )
    assert first.trigger_node == "hook"
    again = engine.replay(first)
    again.refresh_from_db()
    assert again.trigger_node == "hook" and again.status == "succeeded"
    assert "hook_only" in steps_by_key(again)


def test_the_api_starts_at_a_named_trigger_and_refuses_an_unknown_one(alice, alice_api):
    workflow = make_workflow(alice, GRAPH)
    url = f"/api/workflows/{workflow.pk}/run"
    answer = alice_api.post(url, {"payload": {"body": {"n": 2}}, "trigger": "hook"})
    assert answer.status_code == 202, answer.content
    execution = Execution.objects.get(pk=answer.json()["execution_id"])
    assert execution.trigger_node == "hook"
    detail = alice_api.get(f"/api/executions/{execution.pk}").json()
    assert detail["trigger_node"] == "hook"
    bad = alice_api.post(url, {"payload": {}, "trigger": "manual_only"})
    assert bad.status_code == 400
    assert bad.json()["details"] == [
        {"field": "trigger", "message": "'manual_only' is not a trigger node of this workflow."}
    ]
    default = alice_api.post(url, {"payload": {"n": 1}})
    assert Execution.objects.get(pk=default.json()["execution_id"]).trigger_node == "by_hand"


def test_entry_trigger_prefers_the_named_node_then_the_kind_then_the_first():
    assert entry_trigger(GRAPH, "hook") == "hook"
    assert entry_trigger(GRAPH, "gone", "trigger.webhook") == "hook"
    assert entry_trigger(GRAPH, "", "trigger.schedule") == "by_hand"
    assert entry_trigger({"nodes": []}) == ""


@st.composite
def graphs(draw: st.DrawFn) -> dict:
    """Random DAGs with two triggers, each edge from an earlier node to a later one."""
    size = draw(st.integers(2, 8))
    ids = [f"n{i}" for i in range(size)]
    edges = []
    for i, target in enumerate(ids):
        sources = draw(st.sets(st.sampled_from(["t1", "t2", *ids[:i]]), min_size=1, max_size=3))
        edges += [{"source": s, "target": target} for s in sorted(sources)]
    nodes = [
        {"id": "t1", "type": "trigger.manual"},
        {"id": "t2", "type": "trigger.webhook"},
        *({"id": i, "type": "utility.merge"} for i in ids),
    ]
    return {"nodes": nodes, "edges": edges}


@settings(max_examples=60, deadline=None)
@given(graphs(), st.sampled_from(["t1", "t2"]))
def test_a_plan_holds_exactly_the_nodes_reachable_from_its_trigger(graph, trigger):
    plan = compile_plan(graph, trigger)
    reachable, todo = {trigger}, [trigger]
    while todo:
        current = todo.pop()
        for edge in graph["edges"]:
            if edge["source"] == current and edge["target"] not in reachable:
                reachable.add(edge["target"])
                todo.append(edge["target"])
    assert plan.trigger == trigger
    assert set(plan.nodes) == reachable
    for node_id, inputs in plan.incoming.items():
        assert all(source in reachable for source, _ in inputs), node_id
