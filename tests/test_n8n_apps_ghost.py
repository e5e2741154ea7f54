"""Importing n8n's Ghost node (editor/n8n/apps_ghost.py) onto `app.ghost`: the config each
operation becomes (from the corpus's own settings), the refusals, and the corpus's create →
publish → get workflow run in the engine against the fake Ghost."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.ghost import ADMIN_KEY, FakeGhost
from tests.test_n8n_apps import converted, refusal

ADMIN = {"source": "adminApi"}
# The corpus's workflow (wesley/workflows_backup__Manual__0217_Manual_Ghost_Create_Triggered).
CORPUS = {
    "name": "Ghost",
    "nodes": [
        {
            "parameters": {},
            "name": "On clicking 'execute'",
            "type": "n8n-nodes-base.manualTrigger",
            "typeVersion": 1,
            "position": [310, 300],
        },
        {
            "name": "Ghost",
            "type": "n8n-nodes-base.ghost",
            "position": [510, 300],
            "parameters": {
                "title": "Running ghost with n8n!",
                "source": "adminApi",
                "content": "<p>In this article, you will learn how to automate your Ghost site "
                "with n8n!</p>",
                "operation": "create",
                "additionalFields": {},
            },
            "credentials": {"ghostAdminApi": "Ghost Admin API"},
            "typeVersion": 1,
        },
        {
            "name": "Ghost1",
            "type": "n8n-nodes-base.ghost",
            "position": [710, 300],
            "parameters": {
                "postId": '={{$node["Ghost"].json["id"]}}',
                "source": "adminApi",
                "operation": "update",
                "updateFields": {"status": "published"},
            },
            "credentials": {"ghostAdminApi": "Ghost Admin API"},
            "typeVersion": 1,
        },
        {
            "name": "Ghost2",
            "type": "n8n-nodes-base.ghost",
            "position": [910, 300],
            "parameters": {
                "by": "id",
                "source": "adminApi",
                "options": {},
                "identifier": '={{$node["Ghost"].json["id"]}}',
            },
            "credentials": {"ghostAdminApi": "Ghost Admin API"},
            "typeVersion": 1,
        },
    ],
    "connections": {
        "On clicking 'execute'": {"main": [[{"node": "Ghost", "type": "main", "index": 0}]]},
        "Ghost": {"main": [[{"node": "Ghost1", "type": "main", "index": 0}]]},
        "Ghost1": {"main": [[{"node": "Ghost2", "type": "main", "index": 0}]]},
    },
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            ADMIN
            | {
                "operation": "create",
                "title": "Hi",
                "content": "<p>x</p>",
                "additionalFields": {"tags": ["t1"], "featured": True, "status": "draft"},
            },
            {
                "operation": "create_post",
                "title": "Hi",
                "content": "<p>x</p>",
                "status": "draft",
                "fields": {"tags": [{"id": "t1"}], "featured": True},
            },
        ),
        (
            ADMIN
            | {"operation": "update", "postId": "p1", "updateFields": {"status": "published"}},
            {"operation": "update_post", "post_id": "p1", "status": "published"},
        ),
        (
            ADMIN | {"by": "slug", "identifier": "welcome", "options": {"formats": ["html"]}},
            {"operation": "get_post", "slug": "welcome", "formats": "html"},
        ),
        (
            ADMIN | {"operation": "getAll", "limit": 5},
            {"operation": "list_posts", "max_results": 5},
        ),
        (
            ADMIN | {"operation": "delete", "postId": "p1"},
            {"operation": "delete_post", "post_id": "p1"},
        ),
    ],
)
def test_each_operation_becomes_its_ghost_config(params, config):
    node = converted("ghost", params)
    assert node["type"] == "app.ghost"
    assert node["config"] == config
    assert "choose a Ghost credential" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"identifier": "p1"}, "reads through Ghost's Content API"),
        (ADMIN | {"operation": "create", "contentFormat": "mobileDoc", "title": "a"}, "mobileDoc"),
        (ADMIN | {"operation": "create"}, "names no title"),
        (ADMIN | {"identifier": "p", "options": {"fields": "id"}}, "sets fields in Options"),
    ],
)
def test_what_the_ghost_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("ghost", params)
    assert "'App' (n8n-nodes-base.ghost)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_create_publish_get_workflow_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(CORPUS)
    assert validate_graph(graph) == []
    with running(FakeGhost()) as ghost:
        credential = store.create(
            alice, "Blog", "ghost", {"admin_api_key": ADMIN_KEY, "base_url": ghost.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.ghost":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [post] = ghost.posts.values()
    assert post["status"] == "published"
    assert post["html"].startswith("<p>In this article")
    last = Step.objects.filter(execution=execution).order_by("-finished_at").first()
    assert last is not None and last.output is not None
    assert (last.output["id"], last.output["status"]) == (post["id"], "published")
