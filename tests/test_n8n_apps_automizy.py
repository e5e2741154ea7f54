"""Importing n8n's Automizy node (editor/n8n/apps_automizy.py) onto `app.automizy`: each list and
contact operation's config, custom fields as n8n builds them, the refusals, and the corpus's
create list → add contact → tag it → list the contacts workflow run in the engine against the
fake Automizy."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.automizy import TOKEN, FakeAutomizy
from tests.test_n8n_apps import converted, refusal

LIST = '={{$node["Automizy"].json["id"]}}'


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {"name": "n8n-docs", "resource": "list"},
            {"operation": "create_list", "name": "n8n-docs"},
        ),
        (
            {"resource": "list", "operation": "getAll", "limit": 5},
            {"operation": "list_lists", "max_results": 5},
        ),
        (
            {"resource": "list", "operation": "update", "listId": "7", "name": "x"},
            {"operation": "update_list", "name": "x", "list_id": "7"},
        ),
        (
            {
                "email": "ada@example.com",
                "listId": "7",
                "additionalFields": {
                    "status": "ACTIVE",
                    "customFieldsUi": {"customFieldsValues": [{"key": "city", "value": "Paris"}]},
                },
            },
            {
                "operation": "create_contact",
                "list_id": "7",
                "email": "ada@example.com",
                "fields": {"status": "ACTIVE", "customFields": {"city": "Paris"}},
            },
        ),
        (
            {"operation": "update", "email": "a@b.c", "updateFields": {"addTags": ["vip"]}},
            {"operation": "update_contact", "email": "a@b.c", "fields": {"addTags": ["vip"]}},
        ),
        (
            {
                "operation": "getAll",
                "listId": "7",
                "returnAll": True,
                "additionalFields": {"sortBy": "email", "direction": "asc"},
            },
            {
                "operation": "list_contacts",
                "list_id": "7",
                "sort_by": "email",
                "direction": "asc",
                "max_results": 5000,
            },
        ),
        (
            {"operation": "delete", "contactId": "a@b.c"},
            {"operation": "delete_contact", "contact_id": "a@b.c"},
        ),
    ],
)
def test_each_operation_becomes_its_automizy_config(params, config):
    node = converted("automizy", params)
    assert node["type"] == "app.automizy"
    assert node["config"] == config
    assert "choose a Automizy credential (an API token)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "tag", "operation": "get"}, "does 'tag / get'"),
        ({"operation": "create", "listId": "7"}, "names no Email"),
        ({"operation": "getAll", "returnAll": True}, "names no List"),
        ({"resource": "list", "operation": "get"}, "names no List ID"),
    ],
)
def test_what_the_automizy_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("automizy", params)
    assert "'App' (n8n-nodes-base.automizy)" in message
    assert said in message


def node(name: str, params: dict[str, Any], kind: str = "automizy") -> dict[str, Any]:
    return {
        "name": name,
        "type": f"n8n-nodes-base.{kind}",
        "typeVersion": 1,
        "position": [0, 0],
        "parameters": params,
    }


def link(target: str) -> dict[str, Any]:
    return {"main": [[{"node": target, "type": "main", "index": 0}]]}


# The corpus's workflow (workflows_backup__Manual__1154_Manual_Automizy_Create_Triggered.json).
CORPUS = {
    "nodes": [
        node("On clicking 'execute'", {}, "manualTrigger"),
        node("Automizy", {"name": "n8n-docs", "resource": "list"}),
        node(
            "Automizy1",
            {"email": "example@n8n.io", "listId": LIST, "additionalFields": {"status": "ACTIVE"}},
        ),
        node(
            "Automizy2",
            {
                "email": '={{$node["Automizy1"].json["email"]}}',
                "operation": "update",
                "updateFields": {"tags": ["reviewer"]},
            },
        ),
        node(
            "Automizy3",
            {"listId": LIST, "operation": "getAll", "returnAll": True, "additionalFields": {}},
        ),
    ],
    "connections": {
        "On clicking 'execute'": link("Automizy"),
        "Automizy": link("Automizy1"),
        "Automizy1": link("Automizy2"),
        "Automizy2": link("Automizy3"),
    },
}


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_list_and_contact_workflow_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(CORPUS)
    assert validate_graph(graph) == []
    with running(FakeAutomizy()) as automizy:
        credential = store.create(
            alice, "automizy", "automizy", {"api_token": TOKEN, "base_url": automizy.url}
        )
        for converted_node in graph["nodes"]:
            if converted_node["type"] == "app.automizy":
                converted_node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    listed = execution.steps.get(key="automizy3").output
    assert [(c["email"], c["tags"]) for c in listed["contacts"]] == [
        ("example@n8n.io", ["reviewer"])
    ]
    assert [found["name"] for found in automizy.lists.values()] == ["n8n-docs"]
