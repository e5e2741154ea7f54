"""Importing n8n's GitHub repository reads (editor/n8n/apps_data.py) onto `app.github`: get,
getLicense and getProfile become their operations, and the corpus's repository statistics
(GitHub get -> a Function node formatting the counts) run in the engine against the fake
GitHub."""

from __future__ import annotations

import json
from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.github import TOKEN, FakeGitHub
from tests.test_n8n_apps import converted, refusal

OWNER = '={{$node["Config"].json["github_owner"]}}'
REPOSITORY = '={{$node["Config"].json["github_repo"]}}'


def run_against_fake_github(alice: Any, graph: dict[str, Any]) -> tuple[FakeGitHub, Any]:
    """Run an imported graph with its GitHub steps pointed at a fake GitHub; it must succeed."""
    with running(FakeGitHub()) as github:
        credential = store.create(alice, "Hub", "github", {"token": TOKEN, "base_url": github.url})
        for node in graph["nodes"]:
            if node["type"] == "app.github":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    return github, execution


@pytest.mark.parametrize(
    ("op", "operation"),
    [
        ("get", "get_repository"),
        ("getLicense", "get_license"),
        ("getProfile", "get_community_profile"),
    ],
)
def test_each_repository_read_becomes_its_github_operation(op, operation):
    params = {"resource": "repository", "operation": op, "owner": "acme", "repository": "shop"}
    node = converted("github", params)
    assert node["type"] == "app.github"
    assert node["config"] == {"owner": "acme", "repo": "shop", "operation": operation}
    assert "choose a GitHub credential (an access token)" in node["notes"]


def test_a_repository_operation_workfuse_lacks_is_refused_by_name():
    params = {"resource": "repository", "operation": "listReferrers", "owner": "a"}
    message = refusal("github", {**params, "repository": "b"})
    assert message.startswith("n8n node 'App' (n8n-nodes-base.github): ")
    assert "does 'repository / listReferrers'" in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_repository_statistics_run(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = {
        "name": "Dashboard",
        "nodes": [
            {
                "parameters": {},
                "name": "Start",
                "type": "n8n-nodes-base.manualTrigger",
                "typeVersion": 1,
                "position": [0, 0],
            },
            {
                "parameters": {
                    "values": {
                        "string": [
                            {"name": "github_owner", "value": "acme"},
                            {"name": "github_repo", "value": "shop"},
                        ]
                    },
                    "options": {},
                },
                "name": "Config",
                "type": "n8n-nodes-base.set",
                "typeVersion": 1,
                "position": [200, 0],
            },
            {
                "parameters": {
                    "owner": OWNER,
                    "resource": "repository",
                    "operation": "get",
                    "repository": REPOSITORY,
                },
                "name": "GitHub",
                "type": "n8n-nodes-base.github",
                "typeVersion": 1,
                "position": [400, 0],
                "credentials": {"githubApi": ""},
            },
            {
                "parameters": {
                    "functionCode": "items[0].json.stargazers_count = items[0].json"
                    '.stargazers_count.toString().replace(/\\B(?=(\\d{3})+(?!\\d))/g, ",");\n'
                    "return items;"
                },
                "name": "Massage",
                "type": "n8n-nodes-base.function",
                "typeVersion": 1,
                "position": [600, 0],
            },
        ],
        "connections": {
            "Start": {"main": [[{"node": "Config", "type": "main", "index": 0}]]},
            "Config": {"main": [[{"node": "GitHub", "type": "main", "index": 0}]]},
            "GitHub": {"main": [[{"node": "Massage", "type": "main", "index": 0}]]},
        },
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    github, execution = run_against_fake_github(alice, graph)
    [request] = github.requests
    assert request.path == "/repos/acme/shop"
    output = execution.steps.get(key="massage").output
    assert "12,345" in str(output)


def test_file_writes_become_commits_with_their_message_branch_and_author():
    common = {"resource": "file", "owner": "acme", "repository": "shop", "filePath": "a/b.json/"}
    extra = {
        "branch": {"branch": "backups"},
        "author": {"name": "Bot", "email": "bot@acme.test"},
    }
    made = converted(
        "github",
        {
            **common,
            "operation": "edit",
            "fileContent": "={{ JSON.stringify($json) }}",
            "commitMessage": "=Back up {{ $json.name }}",
            "additionalParameters": extra,
        },
    )
    config = made["config"]
    assert config["operation"] == "edit_file" and config["path"] == "a/b.json"
    assert config["branch"] == "backups" and config["author"] == extra["author"]
    assert config["message"] == "Back up {{ trigger.name | n8n_text }}"
    assert "trigger" in config["content"]
    deleted = converted("github", {**common, "operation": "delete", "commitMessage": "Drop"})
    assert deleted["config"]["operation"] == "delete_file" and "content" not in deleted["config"]


@pytest.mark.django_db(transaction=True)
def test_an_imported_backup_commits_each_item_as_a_file(alice, settings):
    """n8n's workflow-backup pattern: items → GitHub 'Create a file' named after each item."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    code = "return [{json: {name: 'orders', n: 1}}, {json: {name: 'leads', n: 2}}];"
    nodes = [
        {
            "parameters": {},
            "name": "Start",
            "type": "n8n-nodes-base.manualTrigger",
            "typeVersion": 1,
            "position": [0, 0],
        },
        {
            "parameters": {"jsCode": code},
            "name": "Workflows",
            "type": "n8n-nodes-base.code",
            "typeVersion": 2,
            "position": [200, 0],
        },
        {
            "parameters": {
                "resource": "file",
                "owner": "acme",
                "repository": "shop",
                "filePath": "={{ $json.name }}.json",
                "fileContent": "={{ JSON.stringify($json) }}",
                "commitMessage": "=Backup of {{ $json.name }}",
            },
            "name": "Create new file",
            "type": "n8n-nodes-base.github",
            "typeVersion": 1.1,
            "position": [400, 0],
        },
    ]
    links = {
        "Start": {"main": [[{"node": "Workflows", "type": "main", "index": 0}]]},
        "Workflows": {"main": [[{"node": "Create new file", "type": "main", "index": 0}]]},
    }
    graph = convert({"name": "Backup", "nodes": nodes, "connections": links})
    assert validate_graph(graph) == []
    github, _ = run_against_fake_github(alice, graph)
    files = github.repos["acme/shop"].files["main"]
    assert json.loads(files["orders.json"]) == {"name": "orders", "n": 1}
    assert json.loads(files["leads.json"]) == {"name": "leads", "n": 2}
    assert [c["message"] for c in github.commits] == ["Backup of orders", "Backup of leads"]
