"""Importing n8n's Linear node (editor/n8n/apps_linear.py) onto `app.linear`: the config each
issue operation becomes (from the corpus's own settings), the refusals, where many issues lie,
and an imported workflow run in the engine against the fake Linear."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.linear import API_KEY, TEAM_ID, FakeLinear
from tests.test_n8n_apps import converted, refusal, single, spec_items


@pytest.mark.parametrize(
    ("params", "config"),
    [
        ({"operation": "getAll"}, {"operation": "list_issues", "max_results": 50}),
        (
            {"operation": "getAll", "returnAll": True},
            {"operation": "list_issues", "max_results": 1000},
        ),
        (
            {
                "title": "={{ $json.output.title }}",
                "teamId": TEAM_ID,
                "additionalFields": {
                    "stateId": "92962324-3d1f-4cf8-993b-0c982cc95245",
                    "priorityId": 2,
                    "description": "=## {{ $json.output.summary }}",
                },
            },
            {
                "operation": "create_issue",
                "team_id": TEAM_ID,
                "title": '{{ trigger.output["title"] }}',
                "state_id": "92962324-3d1f-4cf8-993b-0c982cc95245",
                "priority": "2",
                "description": "## {{ trigger.output.summary | n8n_text }}",
            },
        ),
        (
            {
                "issueId": "={{ $json.data.id }}",
                "operation": "update",
                "updateFields": {"teamId": "={{ $json.teamId }}"},
            },
            {
                "operation": "update_issue",
                "issue_id": "{{ trigger.data.id }}",
                "team_id": "{{ trigger.teamId }}",
            },
        ),
        (
            {"issueId": "ENG-1", "operation": "get"},
            {"operation": "get_issue", "issue_id": "ENG-1"},
        ),
        (
            {"issueId": "ENG-1", "operation": "delete"},
            {"operation": "delete_issue", "issue_id": "ENG-1"},
        ),
    ],
)
def test_each_operation_becomes_its_linear_config(params, config):
    node = converted("linear", params)
    assert node["type"] == "app.linear"
    assert node["config"] == config
    assert "choose a Linear credential (a personal API key)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "version", "said"),
    [
        ({"resource": "comment", "operation": "addComment"}, 1, "does 'comment / addComment'"),
        ({"operation": "get"}, 1, "names no issue; set the Issue ID"),
        (
            {"operation": "update", "issueId": "x", "updateFields": {"dueDate": "2026-01-01"}},
            1,
            "sets the field(s) dueDate, which WorkFuse lacks",
        ),
        ({"operation": "getAll"}, 2, "is the Linear node's version 2"),
    ],
)
def test_what_the_linear_node_lacks_is_refused_naming_node_and_construct(params, version, said):
    message = refusal("linear", params, version)
    assert "'App' (n8n-nodes-base.linear)" in message
    assert said in message


def test_many_issues_say_where_their_items_lie():
    assert spec_items("linear", {"operation": "getAll"}, 1) == "issues"
    assert spec_items("linear", {"title": "x", "teamId": "t"}, 1) is None


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_opens_the_issue(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single(
        "linear",
        {
            "title": "=Report {{ $json.day }}",
            "teamId": TEAM_ID,
            "additionalFields": {"description": "Visual changes", "priorityId": 0},
        },
    )
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeLinear()) as linear:
        credential = store.create(
            alice, "Tracker", "linear", {"api_key": API_KEY, "base_url": linear.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.linear":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {"day": "2026-12-06"})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [issue] = linear.issues
    assert (issue["title"], issue["description"], issue["priority"]) == (
        "Report 2026-12-06",
        "Visual changes",
        0,
    )
