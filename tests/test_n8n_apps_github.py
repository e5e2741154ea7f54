"""Importing n8n's GitHub repository reads (editor/n8n/apps_data.py) onto `app.github`: get,
getLicense and getProfile become their operations, and the corpus's repository statistics
(GitHub get -> a Function node formatting the counts) run in the engine against the fake
GitHub."""

from __future__ import annotations

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
    with running(FakeGitHub()) as github:
        credential = store.create(alice, "Hub", "github", {"token": TOKEN, "base_url": github.url})
        for node in graph["nodes"]:
            if node["type"] == "app.github":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [request] = github.requests
    assert request.path == "/repos/acme/shop"
    output = execution.steps.get(key="massage").output
    assert "12,345" in str(output)
