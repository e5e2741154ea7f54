"""Importing n8n's ClickUp node (editor/n8n/apps_clickup.py) onto `app.clickup`: the config each
task operation becomes (from the corpus's own settings), the refusals, where many tasks lie, and
an imported workflow run in the engine against the fake ClickUp."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.clickup import LIST, TOKEN, FakeClickUp
from tests.test_n8n_apps import converted, refusal, single, spec_items


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (  # "Zoom AI Meeting Assistant creates mail summary, ClickUp tasks…"
            {
                "list": "901207046581",
                "name": "={{ $json.name }}",
                "team": "9012366821",
                "space": "90122025710",
                "folder": "90123813376",
                "authentication": "oAuth2",
                "additionalFields": {
                    "content": "={{ $json.description }}",
                    "dueDate": "={{ $json.due_date }}",
                },
            },
            {
                "operation": "create_task",
                "list_id": "901207046581",
                "name": "{{ trigger.name }}",
                "content": "{{ trigger.description }}",
                "due_date": "{{ trigger.due_date }}",
            },
        ),
        (
            {"operation": "get", "id": "86a1"},
            {"operation": "get_task", "task_id": "86a1"},
        ),
        (
            {"operation": "update", "id": "86a1", "updateFields": {"status": "done"}},
            {"operation": "update_task", "task_id": "86a1", "status": "done"},
        ),
        (
            {"operation": "getAll", "list": "7", "filters": {"includeClosed": True}},
            {"operation": "list_tasks", "list_id": "7", "include_closed": True, "max_results": 50},
        ),
        (
            {"operation": "delete", "id": "86a1"},
            {"operation": "delete_task", "task_id": "86a1"},
        ),
    ],
)
def test_each_operation_becomes_its_clickup_config(params, config):
    node = converted("clickUp", params)
    assert node["type"] == "app.clickup"
    assert node["config"] == config
    assert "choose a ClickUp credential (a personal API token)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "checklist", "operation": "create"}, "does 'checklist / create'"),
        ({"name": "x"}, "names no list (List)"),
        ({"list": "1", "name": "x", "additionalFields": {"timeEstimate": 5}}, "sets timeEstimate"),
        ({"operation": "update", "id": "1", "updateFields": {}}, "updates no field"),
        ({"operation": "getAll", "list": "1", "filters": {"archived": True}}, "by archived"),
    ],
)
def test_what_the_clickup_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("clickUp", params)
    assert "'App' (n8n-nodes-base.clickUp)" in message
    assert said in message


def test_many_tasks_say_where_their_items_lie():
    assert spec_items("clickUp", {"operation": "getAll", "list": "1"}, 1) == "tasks"
    assert spec_items("clickUp", {"list": "1", "name": "x"}, 1) is None


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_closes_each_task_of_a_list(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("clickUp", {"operation": "getAll", "list": LIST, "returnAll": True})
    data["nodes"].append(
        {
            **data["nodes"][1],
            "name": "Close",
            "parameters": {
                "operation": "update",
                "id": "={{ $json.id }}",
                "updateFields": {"status": "complete"},
            },
            "position": [480, 0],
        }
    )
    data["connections"]["App"] = {"main": [[{"node": "Close", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeClickUp()) as clickup:
        clickup.add("One")
        clickup.add("Two")
        credential = store.create(
            alice, "Work", "clickup", {"api_token": TOKEN, "base_url": clickup.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.clickup":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        statuses = [t["status"]["status"] for t in clickup.tasks]
    assert statuses == ["complete", "complete"]
