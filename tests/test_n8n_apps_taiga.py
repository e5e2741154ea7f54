"""Importing n8n's Taiga node (editor/n8n/apps_taiga.py) onto `app.taiga`: the config each issue
operation becomes (from the corpus's own settings), the refusals, where many issues lie, and the
corpus's create → update → get workflow run in the engine against the fake Taiga."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.taiga import PASSWORD, PROJECT, USER, FakeTaiga
from tests.test_n8n_apps import converted, refusal, single, spec_items


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {"subject": "n8n-docs", "projectId": 385605, "additionalFields": {}},
            {"operation": "create_issue", "project_id": "385605", "subject": "n8n-docs"},
        ),
        (
            {
                "subject": "={{ $json.title }}",
                "projectId": 1,
                "additionalFields": {"description": "Body", "tags": ["a"], "priority": 3},
            },
            {
                "operation": "create_issue",
                "project_id": "1",
                "subject": '{{ trigger["title"] }}',
                "description": "Body",
                "fields": {"tags": ["a"], "priority": 3},
            },
        ),
        (
            {
                "issueId": "={{ $json.id }}",
                "operation": "update",
                "projectId": "={{ $json.project }}",
                "updateFields": {"description": "Docs", "subject": "New"},
            },
            {
                "operation": "update_issue",
                "issue_id": "{{ trigger.id }}",
                "subject": "New",
                "description": "Docs",
            },
        ),
        ({"issueId": "7", "operation": "get"}, {"operation": "get_issue", "issue_id": "7"}),
        ({"issueId": "7", "operation": "delete"}, {"operation": "delete_issue", "issue_id": "7"}),
        (
            {"operation": "getAll", "projectId": 5, "filters": {"status": 2}},
            {
                "operation": "list_issues",
                "project_id": "5",
                "filters": {"status": 2},
                "max_results": 50,
            },
        ),
    ],
)
def test_each_operation_becomes_its_taiga_config(params, config):
    node = converted("taiga", params)
    assert node["type"] == "app.taiga"
    assert node["config"] == config
    assert "choose a Taiga credential (a user name and password)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "epic", "operation": "create"}, "does 'epic / create'"),
        ({"subject": "x"}, "names no project"),
        ({"operation": "get"}, "names no issue (Issue ID)"),
        (
            {"subject": "x", "projectId": 1, "additionalFields": {"watchers": [1]}},
            "sets the field(s) watchers",
        ),
        (
            {"operation": "getAll", "projectId": 1, "filters": {"statusIsClosed": True}},
            "filters with statusIsClosed",
        ),
    ],
)
def test_what_the_taiga_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("taiga", params)
    assert "'App' (n8n-nodes-base.taiga)" in message
    assert said in message


def test_many_issues_say_where_their_items_lie():
    assert spec_items("taiga", {"operation": "getAll", "projectId": 1}, 1) == "issues"
    assert spec_items("taiga", {"operation": "get", "issueId": "1"}, 1) is None


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_create_update_get_workflow_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single(
        "taiga", {"subject": "n8n-docs", "projectId": PROJECT, "additionalFields": {}}, name="Taiga"
    )
    template = data["nodes"][1]
    data["nodes"] += [
        {
            **template,
            "name": "Taiga1",
            "parameters": {
                "issueId": '={{$node["Taiga"].json["id"]}}',
                "operation": "update",
                "projectId": '={{$node["Taiga"].json["project"]}}',
                "updateFields": {
                    "description": "This ticket is for the documentation for the Taiga node"
                },
            },
        },
        {
            **template,
            "name": "Taiga2",
            "parameters": {"issueId": '={{$node["Taiga"].json["id"]}}', "operation": "get"},
        },
    ]
    data["connections"]["Taiga"] = {"main": [[{"node": "Taiga1", "type": "main", "index": 0}]]}
    data["connections"]["Taiga1"] = {"main": [[{"node": "Taiga2", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeTaiga()) as taiga:
        value = {"password": PASSWORD, "username": USER, "base_url": taiga.url}
        credential = store.create(alice, "Board", "taiga", value)
        for node in graph["nodes"]:
            if node["type"] == "app.taiga":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [issue] = taiga.issues
    assert issue["description"] == "This ticket is for the documentation for the Taiga node"
    last = execution.steps.get(key="taiga2")
    assert last.output["description"] == issue["description"] and last.output["version"] == 2
