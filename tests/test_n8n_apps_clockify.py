"""Importing n8n's Clockify node (editor/n8n/apps_clockify.py) onto `app.clockify`: the config
each project operation becomes (from the corpus's own settings), the refusals, and the corpus's
webhook → project lookup run in the engine against the fake Clockify."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.clockify import KEY, WORKSPACE, FakeClockify
from tests.test_n8n_apps import converted, refusal

NAME = (
    '=Ticket {{$node["Webhook"].json["body"]["attributes"]["number"]}} - '
    '{{$node["Webhook"].json["body"]["attributes"]["customer_business_then_name"]}}'
)
CORPUS = {
    "operation": "getAll",
    "returnAll": True,
    "workspaceId": WORKSPACE,
    "additionalFields": {"name": NAME, "archived": True},
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            CORPUS | {"additionalFields": {"name": "Ticket 1", "archived": False}},
            {
                "operation": "list_projects",
                "workspace_id": WORKSPACE,
                "name": "Ticket 1",
                "filters": {"archived": False},
                "max_results": 5000,
            },
        ),
        (
            {"operation": "getAll", "workspaceId": "w", "limit": 10, "additionalFields": {}},
            {"operation": "list_projects", "workspace_id": "w", "max_results": 10},
        ),
        (
            {"operation": "get", "workspaceId": "w", "projectId": "p"},
            {"operation": "get_project", "workspace_id": "w", "project_id": "p"},
        ),
        (
            {"operation": "delete", "workspaceId": "w", "projectId": "p"},
            {"operation": "delete_project", "workspace_id": "w", "project_id": "p"},
        ),
        (
            {
                "operation": "create",
                "workspaceId": "w",
                "name": "Site",
                "additionalFields": {"color": "#f44336", "billable": True},
            },
            {
                "operation": "create_project",
                "workspace_id": "w",
                "name": "Site",
                "fields": {"color": "#f44336", "billable": True},
            },
        ),
    ],
)
def test_each_project_operation_becomes_its_clockify_config(params, config):
    node = converted("clockify", params)
    assert node["type"] == "app.clockify"
    assert node["config"] == config
    assert "choose a Clockify credential (an API key)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "timeEntry", "operation": "create"}, "does 'timeEntry / create'"),
        ({"workspaceId": "w"}, "does 'project (its default operation)'"),
        ({"operation": "get", "workspaceId": "w"}, "names no Project ID"),
        ({"operation": "getAll"}, "names no Workspace"),
    ],
)
def test_what_the_clockify_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("clockify", params)
    assert "'App' (n8n-nodes-base.clockify)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_ticket_project_lookup_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = {
        "name": "Clockify tickets",
        "nodes": [
            {
                "parameters": {"path": "tickets", "httpMethod": "POST", "options": {}},
                "name": "Webhook",
                "type": "n8n-nodes-base.webhook",
                "typeVersion": 1,
                "position": [0, 0],
            },
            {
                "parameters": CORPUS,
                "name": "Clockify",
                "type": "n8n-nodes-base.clockify",
                "typeVersion": 1,
                "position": [200, 0],
            },
        ],
        "connections": {"Webhook": {"main": [[{"node": "Clockify", "type": "main", "index": 0}]]}},
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeClockify()) as clockify:
        clockify.add("Ticket 42 - Acme", archived=True)
        clockify.add("Ticket 42 - Acme (old)", archived=False)
        clockify.add("Ticket 7 - Beta", archived=True)
        credential = store.create(
            alice, "Time", "clockify", {"api_key": KEY, "base_url": clockify.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.clockify":
                node["config"]["credential"] = credential.pk
        payload = {"body": {"attributes": {"number": 42, "customer_business_then_name": "Acme"}}}
        execution = engine.start_execution(make_workflow(alice, graph), payload)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [request] = clockify.requests
    output = execution.steps.get(key="clockify").output
    assert [p["name"] for p in output["projects"]] == ["Ticket 42 - Acme"]
    assert request.query["name"] == ["Ticket 42 - Acme"] and request.query["archived"] == ["true"]
