"""Importing n8n's Todoist node (editor/n8n/apps_todoist.py) onto `app.todoist`: the config each
task operation becomes (from the corpus's own settings), the refusals, where many tasks lie, and
an imported workflow run in the engine against the fake Todoist."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.todoist import INBOX, TOKEN, FakeTodoist
from tests.test_n8n_apps import converted, refusal, single, spec_items


@pytest.mark.parametrize(
    ("params", "version", "config"),
    [
        (
            {"limit": 5, "filters": {}, "operation": "getAll"},
            2.1,
            {"operation": "list_tasks", "max_results": 5},
        ),
        (
            {"filters": {"projectId": "938017196"}, "operation": "getAll", "returnAll": True},
            2,
            {"operation": "list_tasks", "project_id": "938017196", "max_results": 5000},
        ),
        (
            {
                "taskId": "={{ $json.id }}",
                "operation": "update",
                "updateFields": {"priority": "={{ $json.p }}", "dueString": "tomorrow"},
            },
            2,
            {
                "operation": "update_task",
                "task_id": "{{ trigger.id }}",
                "priority": "{{ trigger.p }}",
                "due_string": "tomorrow",
            },
        ),
        (
            {
                "content": "=Call {{ $json.name }}",
                "project": {"__rl": True, "mode": "id", "value": "2302163813"},
                "labels": ["calls"],
                "options": {"priority": 4, "description": "Soon", "section": "77"},
            },
            2.1,
            {
                "operation": "create_task",
                "content": "Call {{ trigger.name | n8n_text }}",
                "project_id": "2302163813",
                "labels": ["calls"],
                "priority": "4",
                "description": "Soon",
                "section_id": "77",
            },
        ),
        ({"taskId": "7", "operation": "get"}, 2, {"operation": "get_task", "task_id": "7"}),
        ({"taskId": "7", "operation": "close"}, 2, {"operation": "close_task", "task_id": "7"}),
        ({"taskId": "7", "operation": "delete"}, 2, {"operation": "delete_task", "task_id": "7"}),
    ],
)
def test_each_operation_becomes_its_todoist_config(params, version, config):
    node = converted("todoist", params, version)
    assert node["type"] == "app.todoist"
    assert node["config"] == config
    assert "choose a Todoist credential (an API token)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "version", "said"),
    [
        ({"operation": "reopen", "taskId": "1"}, 2, "does 'task / reopen'"),
        ({"operation": "get"}, 2, "names no task; set the Task ID"),
        ({"operation": "getAll", "filters": {"lang": "de"}}, 2, "filters with lang"),
        ({"operation": "getAll"}, 1, "is the Todoist node's version 1"),
    ],
)
def test_what_the_todoist_node_lacks_is_refused_naming_node_and_construct(params, version, said):
    message = refusal("todoist", params, version)
    assert "'App' (n8n-nodes-base.todoist)" in message
    assert said in message


def test_many_tasks_say_where_their_items_lie():
    assert spec_items("todoist", {"operation": "getAll"}, 2) == "tasks"
    assert spec_items("todoist", {"content": "x"}, 2) is None


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_raises_the_priority_of_each_inbox_task(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single(
        "todoist", {"filters": {"projectId": INBOX}, "operation": "getAll", "returnAll": True}, 2
    )
    data["nodes"].append(
        {
            **data["nodes"][1],
            "name": "Update",
            "parameters": {
                "taskId": "={{ $json.id }}",
                "operation": "update",
                "updateFields": {"priority": 4},
            },
            "position": [480, 0],
        }
    )
    data["connections"]["App"] = {"main": [[{"node": "Update", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeTodoist()) as todoist:
        todoist.add("One")
        todoist.add("Two")
        credential = store.create(
            alice, "Tasks", "todoist", {"api_token": TOKEN, "base_url": todoist.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.todoist":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        priorities = [t["priority"] for t in todoist.tasks]
    assert priorities == [4, 4]
