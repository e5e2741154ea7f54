"""Importing n8n's Asana node (editor/n8n/apps_asana.py) onto `app.asana`: each task operation's
config, the refusals naming node and construct, and corpus workflow 1908's task run against the
fake."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.asana import TOKEN, WORKSPACE, FakeAsana
from tests.test_n8n_apps import converted, refusal, single, spec_items

CORPUS = {  # workflows_backup 1908 Form Asana
    "name": "=Support Ticket -  {{ $json.submittedAt }}",
    "workspace": "YOUR_WORKSPACE_ID",
    "otherProperties": {"notes": "={{ $json['What is your problem?'] }}"},
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            CORPUS,
            {
                "operation": "create_task",
                "workspace": "YOUR_WORKSPACE_ID",
                "name": "Support Ticket -  {{ trigger.submittedAt | n8n_text }}",
                "fields": {"notes": '{{ trigger["What is your problem?"] }}'},
            },
        ),
        ({"operation": "get", "id": "12"}, {"operation": "get_task", "task_id": "12"}),
        ({"operation": "delete", "id": "12"}, {"operation": "delete_task", "task_id": "12"}),
        (
            {"operation": "update", "id": "12", "otherProperties": {"completed": True}},
            {"operation": "update_task", "task_id": "12", "fields": {"completed": True}},
        ),
        (
            {"operation": "getAll", "filters": {"project": "42"}, "limit": 7},
            {"operation": "list_tasks", "filters": {"project": "42"}, "max_results": 7},
        ),
    ],
)
def test_each_task_operation_becomes_its_asana_config(params, config):
    node = converted("asana", params)
    assert node["type"] == "app.asana"
    assert node["config"] == config
    assert "(a personal access token)" in node["notes"]


def test_a_task_list_is_the_nodes_items():
    assert spec_items("asana", {"operation": "getAll", "filters": {"project": "1"}}, 1) == "tasks"


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({**CORPUS, "workspace": ""}, "names no Workspace"),
        ({"operation": "get"}, "names no Task ID"),
        ({"operation": "getAll", "filters": {}}, "without a project, section or assignee"),
        ({"resource": "project", "operation": "get"}, "does 'project / get'"),
    ],
)
def test_what_the_asana_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("asana", params)
    assert "'App' (n8n-nodes-base.asana)" in message and said in message


@pytest.mark.django_db(transaction=True)
def test_the_imported_corpus_task_is_created_with_the_forms_problem(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(single("asana", {**CORPUS, "workspace": WORKSPACE}))
    assert validate_graph(graph) == []
    with running(FakeAsana()) as asana:
        credential = store.create(
            alice, "Work", "asana", {"access_token": TOKEN, "base_url": asana.url}
        )
        graph["nodes"][1]["config"]["credential"] = credential.pk
        payload = {"submittedAt": "2026-12-06T10:00:00Z", "What is your problem?": "No login"}
        execution = engine.start_execution(make_workflow(alice, graph), payload)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [task] = asana.tasks.values()
    assert task["name"] == "Support Ticket -  2026-12-06T10:00:00Z"
    assert task["notes"] == "No login"
