"""Importing n8n's Jira Software node (editor/n8n/apps_jira.py) onto `app.jira`: the config each
supported operation becomes, the refusals (attachments, Jira Server, other operations), where
searches and comment lists put their items, and an imported support workflow run in the engine
against the fake Jira."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.jira import API_TOKEN, EMAIL, FakeJira
from tests.test_n8n_apps import converted, refusal, spec_items
from workfuse.lib import files

BASE = "n8n-nodes-base."
RL = {"__rl": True, "mode": "list"}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "project": {**RL, "value": "10001", "cachedResultName": "Support"},
                "summary": "=Phishing: {{ $json.subject }}",
                "issueType": {**RL, "value": "10008", "cachedResultName": "Task"},
                "additionalFields": {
                    "description": "=h2. Analysis\n{{ $json.content }}",
                    "labels": ["phishing", "email"],
                    "priority": "2",
                    "parentIssueKey": "SUP-1",
                    "customFieldsUi": {
                        "customFieldsValues": [{"fieldId": "customfield_10010", "fieldValue": "x"}]
                    },
                },
            },
            {
                "operation": "create_issue",
                "project": "10001",
                "issue_type": "10008",
                "summary": "Phishing: {{ trigger.subject | n8n_text }}",
                "description": "h2. Analysis\n{{ trigger.content | n8n_text }}",
                "priority": "2",
                "parent_key": "SUP-1",
                "labels": ["phishing", "email"],
                "extra_fields": {"customfield_10010": "x"},
            },
        ),
        (
            {
                "operation": "update",
                "issueKey": "=SUP-{{ $json.n }}",
                "updateFields": {"statusId": {**RL, "value": "31", "cachedResultName": "Done"}},
            },
            {
                "operation": "update_issue",
                "issue_key": "SUP-{{ trigger.n | n8n_text }}",
                "transition_id": "31",
            },
        ),
        (
            {
                "operation": "get",
                "issueKey": "SUP-7",
                "additionalFields": {"fields": "summary,status"},
            },
            {
                "operation": "get_issue",
                "issue_key": "SUP-7",
                "return_fields": ["summary", "status"],
            },
        ),
        (
            {"operation": "getAll", "limit": 10, "options": {"jql": "project = SUP"}},
            {"operation": "search_issues", "jql": "project = SUP", "max_results": 10},
        ),
        (
            {"resource": "issueComment", "issueKey": "SUP-7", "comment": "Done.", "options": {}},
            {"operation": "add_comment", "issue_key": "SUP-7", "comment": "Done."},
        ),
        (
            {"resource": "issueComment", "operation": "getAll", "issueKey": "SUP-7", "options": {}},
            {"operation": "list_comments", "issue_key": "SUP-7", "max_results": 50},
        ),
    ],
)
def test_each_operation_becomes_its_jira_config(params, config):
    node = converted("jira", params)
    assert node["type"] == "app.jira"
    assert node["config"] == config
    assert "choose a Jira credential" in node["notes"]


def test_search_everything_reads_up_to_1000_and_says_so():
    node = converted("jira", {"operation": "getAll", "returnAll": True, "options": {"jql": "x"}})
    assert node["config"]["max_results"] == 1000
    assert "n8n read every issue; WorkFuse reads at most 1000." in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        (
            {"resource": "issueAttachment", "operation": "remove", "attachmentId": "1"},
            "does 'issueAttachment / remove'; WorkFuse's Jira node adds attachments but does not",
        ),
        (
            {"jiraVersion": "server", "operation": "get", "issueKey": "A-1"},
            "talks to Jira server (self-hosted); WorkFuse's Jira node speaks to Jira Cloud only",
        ),
        (
            {"operation": "changelog", "issueKey": "A-1"},
            "does 'issue / changelog', which WorkFuse's Jira node does not",
        ),
        (
            {"operation": "getAll", "options": {}},
            "searches issues without a JQL query",
        ),
        (
            {"resource": "issueComment", "issueKey": "A-1", "jsonParameters": True},
            "sends its comment as Atlassian Document Format JSON",
        ),
        (
            {"operation": "get", "issueKey": "A-1", "additionalFields": {"properties": "p"}},
            "sets the option properties, which WorkFuse's Jira node does not send",
        ),
    ],
)
def test_what_the_jira_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("jira", params)
    assert "'App' (n8n-nodes-base.jira)" in message
    assert said in message


@pytest.mark.parametrize(
    ("params", "items"),
    [
        ({"operation": "getAll", "options": {"jql": "x"}}, "issues"),
        ({"resource": "issueComment", "operation": "getAll", "issueKey": "A-1"}, "comments"),
        ({"summary": "s", "project": "1", "issueType": "2"}, None),
    ],
)
def test_searches_and_comment_lists_say_where_their_items_lie(params, items):
    assert spec_items("jira", params, 1) == items


def support_flow() -> dict[str, Any]:
    """Search the stale issues, then comment on each and close it (corpus workflow 167's
    shape): the nodes after the search run once per issue."""

    def node(name: str, params: dict[str, Any], x: int) -> dict[str, Any]:
        return {
            "parameters": params,
            "name": name,
            "type": "n8n-nodes-base.jira",
            "typeVersion": 1,
            "position": [x, 0],
            "credentials": {"jiraSoftwareCloudApi": {"id": "1", "name": "Theirs"}},
        }

    return {
        "name": "Autoclose",
        "nodes": [
            {
                "parameters": {},
                "name": "Start",
                "type": "n8n-nodes-base.manualTrigger",
                "typeVersion": 1,
                "position": [0, 0],
            },
            node(
                "Stale",
                {
                    "limit": 10,
                    "options": {"jql": 'project = SUP AND status = "To Do"'},
                    "operation": "getAll",
                },
                200,
            ),
            node(
                "Comment",
                {
                    "resource": "issueComment",
                    "issueKey": "={{ $json.key }}",
                    "comment": "=Closing {{ $json.fields.summary }} (automated)",
                    "options": {},
                },
                400,
            ),
            node(
                "Close",
                {
                    "operation": "update",
                    "issueKey": "={{ $('Stale').item.json.key }}",
                    "updateFields": {"statusId": {**RL, "value": "31"}},
                },
                600,
            ),
        ],
        "connections": {
            "Start": {"main": [[{"node": "Stale", "type": "main", "index": 0}]]},
            "Stale": {"main": [[{"node": "Comment", "type": "main", "index": 0}]]},
            "Comment": {"main": [[{"node": "Close", "type": "main", "index": 0}]]},
        },
    }


@pytest.mark.django_db(transaction=True)
def test_an_imported_autoclose_workflow_comments_on_and_closes_each_stale_issue(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(support_flow())
    assert validate_graph(graph) == []
    with running(FakeJira()) as jira:
        jira.add("SUP", "Printer")
        jira.add("SUP", "VPN", status="Done")
        jira.add("SUP", "Badge")
        credential = store.create(
            alice,
            "Acme Jira",
            "jira",
            {"api_token": API_TOKEN, "email": EMAIL, "base_url": jira.url},
        )
        for node in graph["nodes"]:
            if node["type"] == "app.jira":
                node["config"]["credential"] = credential.pk  # the user's one choice
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        assert {k: i["fields"]["status"]["name"] for k, i in jira.issues.items()} == {
            "SUP-1": "Done",
            "SUP-2": "Done",
            "SUP-3": "Done",
        }
        texts = {
            key: [c["body"]["content"][0]["content"][0]["text"] for c in comments]
            for key, comments in jira.comments.items()
        }
    assert texts == {
        "SUP-1": ["Closing Printer (automated)"],
        "SUP-2": [],
        "SUP-3": ["Closing Badge (automated)"],
    }
    assert Step.objects.filter(execution=execution).count() >= 3


# --- fileops ---
@pytest.mark.django_db(transaction=True)
def test_an_imported_upload_attaches_the_items_file_to_the_issue(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    hook = {"httpMethod": "POST", "path": "shot", "options": {}}
    upload = {"issueKey": "={{ $json.body.key }}", "resource": "issueAttachment"}
    data = {
        "name": "Attach",
        "nodes": [
            {"parameters": hook, "name": "Hook", "type": f"{BASE}webhook", "typeVersion": 2},
            {"parameters": upload, "name": "Upload", "type": f"{BASE}jira", "typeVersion": 1},
        ],
        "connections": {"Hook": {"main": [[{"node": "Upload", "type": "main", "index": 0}]]}},
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    node = next(n for n in graph["nodes"] if n["type"] == "app.jira")
    assert node["config"]["operation"] == "add_attachment"
    assert node["config"]["file"] == '{{ trigger.files["data"] }}'
    shot = b"\x89PNG\r\n\x1a\n screenshot bytes"
    with running(FakeJira()) as jira:
        jira.add("SUP", "Phishing")
        credential = store.create(
            alice,
            "Acme Jira",
            "jira",
            {"api_token": API_TOKEN, "email": EMAIL, "base_url": jira.url},
        )
        node["config"]["credential"] = credential.pk
        payload = {
            "method": "POST",
            "headers": {},
            "query": {},
            "body": {"key": "SUP-1"},
            "files": {"data": files.make(shot, "email.png").value()},
        }
        execution = engine.start_execution(make_workflow(alice, graph), payload)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [kept] = jira.attachments["SUP-1"]
    assert kept["data"] == shot and kept["filename"] == "email.png"
    assert kept["mimeType"] == "image/png"
    out = Step.objects.get(execution=execution, node_id=node["id"]).output
    assert out["count"] == 1 and out["attachments"][0]["filename"] == "email.png"


# --- end fileops ---
