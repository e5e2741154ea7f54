"""Importing n8n's Strapi node (editor/n8n/apps_strapi.py) onto `app.strapi`: the config each
entry operation becomes (Columns read from the input item, as n8n sends them), the refusals,
where many entries lie, and the corpus's testimonial workflow shape run against the fake
Strapi."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.strapi import TOKEN, FakeStrapi
from tests.test_n8n_apps import converted, refusal, spec_items

BASE = "n8n-nodes-base."


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (  # the corpus's "Automate testimonials in Strapi" workflow
            {
                "columns": "Content,Author,Created,URL",
                "operation": "create",
                "contentType": "posts",
            },
            {
                "operation": "create_entry",
                "content_type": "posts",
                "data": {
                    "Content": "{{ trigger.Content }}",
                    "Author": "{{ trigger.Author }}",
                    "Created": "{{ trigger.Created }}",
                    "URL": "{{ trigger.URL }}",
                },
            },
        ),
        (
            {
                "operation": "update",
                "contentType": "posts",
                "columns": "title",
                "updateKey": "slug",
            },
            {
                "operation": "update_entry",
                "content_type": "posts",
                "data": {"title": '{{ trigger["title"] }}'},
                "entry_id": "{{ trigger.slug }}",
            },
        ),
        (
            {"contentType": "posts", "entryId": "={{ $json.id }}"},
            {"operation": "get_entry", "content_type": "posts", "entry_id": "{{ trigger.id }}"},
        ),
        (
            {
                "operation": "getAll",
                "contentType": "testimonials",
                "limit": 10,
                "options": {
                    "where": '{"tag": {"$eq": "n8n"}}',
                    "sort": ["createdAt:desc"],
                    "publicationState": "preview",
                },
            },
            {
                "operation": "list_entries",
                "content_type": "testimonials",
                "filters": {"tag": {"$eq": "n8n"}},
                "sort": ["createdAt:desc"],
                "publication_state": "preview",
                "max_results": 10,
            },
        ),
        (
            {"operation": "delete", "contentType": "posts", "entryId": "4"},
            {"operation": "delete_entry", "content_type": "posts", "entry_id": "4"},
        ),
    ],
)
def test_each_operation_becomes_its_strapi_config(params, config):
    node = converted("strapi", params)
    assert node["type"] == "app.strapi"
    assert node["config"] == config
    assert "choose a Strapi credential (an API token" in node["notes"]


def test_columns_and_password_login_are_noted():
    node = converted("strapi", {"operation": "create", "contentType": "posts", "columns": "a"})
    assert "WorkFuse sends each listed property" in node["notes"]
    assert "email and password; WorkFuse uses an API token" in node["notes"]
    token = converted("strapi", {"authentication": "token", "contentType": "p", "entryId": "1"})
    assert "email and password" not in token["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"operation": "create"}, "names no content type"),  # the corpus's FAQ workflow
        ({"contentType": "posts"}, "names no entry; set the Entry ID"),
        (
            {"operation": "create", "contentType": "posts"},
            "its Columns with an expression (or not at all)",
        ),
        (
            {"operation": "getAll", "contentType": "p", "options": {"where": "{nope"}},
            "Where (JSON) that is not JSON",
        ),
    ],
)
def test_what_the_strapi_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("strapi", params)
    assert "'App' (n8n-nodes-base.strapi)" in message
    assert said in message


def test_many_entries_say_where_their_items_lie():
    assert spec_items("strapi", {"operation": "getAll", "contentType": "p"}, 1) == "entries"
    assert spec_items("strapi", {"contentType": "p", "entryId": "1"}, 1) is None


def exported_testimonials() -> dict[str, Any]:
    """The corpus's testimonial workflow's Strapi step after a Set node giving the columns."""
    fields = [
        {"name": "Content", "value": "={{ $json.text }}"},
        {"name": "Author", "value": "Ada"},
    ]
    return {
        "name": "Testimonials",
        "nodes": [
            {
                "name": "Start",
                "type": f"{BASE}manualTrigger",
                "typeVersion": 1,
                "position": [0, 0],
                "parameters": {},
            },
            {
                "name": "Set",
                "type": f"{BASE}set",
                "typeVersion": 1,
                "position": [200, 0],
                "parameters": {"values": {"string": fields}, "keepOnlySet": True},
            },
            {
                "name": "Store in Strapi",
                "type": f"{BASE}strapi",
                "typeVersion": 1,
                "position": [400, 0],
                "parameters": {
                    "columns": "Content,Author",
                    "operation": "create",
                    "contentType": "posts",
                },
                "credentials": {"strapiApi": {"id": "1", "name": "Strapi"}},
            },
        ],
        "connections": {
            "Start": {"main": [[{"node": "Set", "type": "main", "index": 0}]]},
            "Set": {"main": [[{"node": "Store in Strapi", "type": "main", "index": 0}]]},
        },
    }


@pytest.mark.django_db(transaction=True)
def test_the_imported_workflow_stores_the_items_columns(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(exported_testimonials())
    assert validate_graph(graph) == []
    with running(FakeStrapi()) as cms:
        credential = store.create(alice, "CMS", "strapi", {"api_token": TOKEN, "base_url": cms.url})
        for node in graph["nodes"]:
            if node["type"] == "app.strapi":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {"text": "Great tool"})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [post] = cms.entries["posts"]
        assert (post["Content"], post["Author"]) == ("Great tool", "Ada")
        assert cms.requests[0].json == {"data": {"Content": "Great tool", "Author": "Ada"}}
