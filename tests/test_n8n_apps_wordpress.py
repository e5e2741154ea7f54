"""Importing n8n's WordPress node (editor/n8n/apps_wordpress.py) onto `app.wordpress`: the
config each supported operation becomes, the refusals, where lists put their items, and an
imported workflow run in the engine against the fake WordPress."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.wordpress import APP_PASSWORD, USERNAME, FakeWordPress
from tests.test_n8n_apps import converted, refusal, single, spec_items


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "title": "={{ $json.output.title }}",
                "additionalFields": {
                    "slug": "launch",
                    "format": "standard",
                    "status": "draft",
                    "content": "={{ $json.output.body }}",
                    "authorId": 2,
                    "postTemplate": {"values": {"template": "wide.php"}},
                },
            },
            {
                "operation": "create_post",
                "title": '{{ trigger.output["title"] }}',
                "content": "{{ trigger.output.body }}",
                "slug": "launch",
                "status": "draft",
                "author": "2",
                "format": "standard",
                "template": "wide.php",
            },
        ),
        (
            {
                "postId": "=42",
                "operation": "update",
                "updateFields": {"categories": "={{ $json.c }}"},
            },
            {"operation": "update_post", "post_id": "42", "categories": "{{ trigger.c }}"},
        ),
        (
            {"postId": "7", "options": {"context": "edit"}, "operation": "get"},
            {"operation": "get_post", "post_id": "7", "context": "edit"},
        ),
        (
            {
                "options": {"order": "desc", "context": "edit", "orderBy": "date"},
                "operation": "getAll",
            },
            {
                "operation": "list_posts",
                "context": "edit",
                "order": "desc",
                "order_by": "date",
                "max_results": 5,
            },
        ),
        (
            {
                "pageId": "12",
                "resource": "page",
                "operation": "update",
                "updateFields": {"content": "<p>x</p>"},
            },
            {"operation": "update_page", "post_id": "12", "content": "<p>x</p>"},
        ),
    ],
)
def test_each_operation_becomes_its_wordpress_config(params, config):
    node = converted("wordpress", params)
    assert node["type"] == "app.wordpress"
    assert node["config"] == config
    assert "choose a WordPress credential" in node["notes"]


def test_return_all_reads_up_to_1000_and_says_so():
    node = converted("wordpress", {"operation": "getAll", "returnAll": True, "options": {}})
    assert node["config"]["max_results"] == 1000
    assert "n8n read every post; WorkFuse reads at most 1000." in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "user", "name": "x"}, "does 'user / create', which WorkFuse's WordPress"),
        (
            {"operation": "delete", "postId": "1"},
            "does 'post / delete', which WorkFuse's WordPress",
        ),
        (
            {"operation": "get", "postId": "1", "options": {"password": "p"}},
            "sets the post option(s) password, which WorkFuse's WordPress node does not send",
        ),
        (
            {"resource": "page", "operation": "getAll", "options": {"menuOrder": 2}},
            "sets the page option(s) menuOrder",
        ),
        ({"operation": "update", "options": {}}, "names no post id"),
    ],
)
def test_what_the_wordpress_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("wordpress", params)
    assert "'App' (n8n-nodes-base.wordpress)" in message
    assert said in message


def test_lists_say_where_their_items_lie():
    assert spec_items("wordpress", {"operation": "getAll"}, 1) == "posts"
    assert spec_items("wordpress", {"resource": "page", "operation": "getAll"}, 1) == "pages"
    assert spec_items("wordpress", {"title": "t"}, 1) is None


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_categorises_each_listed_post(alice, settings):
    """List the posts, then update each one (corpus workflow 309's shape, without its AI)."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("wordpress", {"options": {}, "operation": "getAll", "returnAll": True})
    data["nodes"].append(
        {
            **data["nodes"][1],
            "name": "Tag",
            "parameters": {
                "postId": "={{ $('App').item.json.id }}",
                "operation": "update",
                "updateFields": {"categories": "9", "title": "={{ $json.title.rendered }}!"},
            },
            "position": [480, 0],
        }
    )
    data["connections"]["App"] = {"main": [[{"node": "Tag", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeWordPress()) as wordpress:
        wordpress.add(title="One")
        wordpress.add(title="Two")
        credential = store.create(
            alice,
            "Blog",
            "wordpress",
            {"application_password": APP_PASSWORD, "username": USERNAME, "base_url": wordpress.url},
        )
        for node in graph["nodes"]:
            if node["type"] == "app.wordpress":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        posts = {p["id"]: (p["title"]["raw"], p["categories"]) for p in wordpress.items["posts"]}
    assert posts == {101: ("One!", [9]), 102: ("Two!", [9])}
