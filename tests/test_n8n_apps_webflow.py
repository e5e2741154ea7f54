"""Importing n8n's Webflow node (editor/n8n/apps_webflow.py, version 2) onto `app.webflow`:
each item operation's config, the refusals (the corpus's node among them: its collection is
left empty), and a manual run that creates an item from the trigger's data against the fake."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.webflow import COLLECTION, TOKEN, FakeWebflow
from tests.test_n8n_apps import converted, refusal

IN = {"siteId": "site1", "collectionId": COLLECTION}
FIELDS = {
    "fieldValues": [
        {"fieldId": "name", "fieldValue": "={{ $json.title }}"},
        {"fieldId": "slug", "fieldValue": "faq"},
    ]
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            IN | {"operation": "create", "live": True, "fieldsUi": FIELDS},
            {
                "operation": "create_item",
                "collection_id": COLLECTION,
                "fields": {"name": '{{ trigger["title"] }}', "slug": "faq"},
                "live": True,
            },
        ),
        (
            IN | {"itemId": "i1"},
            {"operation": "get_item", "collection_id": COLLECTION, "item_id": "i1"},
        ),
        (
            IN | {"operation": "getAll", "returnAll": True},
            {"operation": "list_items", "collection_id": COLLECTION, "max_results": 5000},
        ),
        (
            IN | {"operation": "getAll", "limit": 20},
            {"operation": "list_items", "collection_id": COLLECTION, "max_results": 20},
        ),
        (
            IN | {"operation": "update", "itemId": "i1", "fieldsUi": FIELDS},
            {
                "operation": "update_item",
                "collection_id": COLLECTION,
                "item_id": "i1",
                "fields": {"name": '{{ trigger["title"] }}', "slug": "faq"},
            },
        ),
        (
            IN | {"operation": "deleteItem", "itemId": "i1"},
            {"operation": "delete_item", "collection_id": COLLECTION, "item_id": "i1"},
        ),
    ],
)
def test_each_operation_becomes_its_config(params, config):
    node = converted("webflow", params, version=2)
    assert node["type"] == "app.webflow"
    assert node["config"] == config


@pytest.mark.parametrize(
    ("params", "version", "said"),
    [
        # The corpus's node (OpenAI_and_LLMs__Enrich FAQ sections ...): only its operation set.
        ({"operation": "create"}, 2, "names no Collection"),
        (IN | {"operation": "update"}, 2, "names no Item ID"),
        (
            IN
            | {"operation": "create", "fieldsUi": {"fieldValues": [{"fieldId": "={{ $json.f }}"}]}},
            2,
            "names a field by an expression",
        ),
        (IN | {"operation": "create"}, 1, "is version 1, which calls Webflow's retired API v1"),
    ],
)
def test_what_the_node_lacks_is_refused_naming_node_and_construct(params, version, said):
    message = refusal("webflow", params, version=version)
    assert "'App' (n8n-nodes-base.webflow)" in message
    assert said in message


def node(name: str, kind: str, version: float, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "type": f"n8n-nodes-base.{kind}",
        "typeVersion": version,
        "position": [0, 0],
        "parameters": params,
    }


WORKFLOW = {
    "nodes": [
        node("When clicking 'Test workflow'", "manualTrigger", 1, {}),
        node(
            "Webflow", "webflow", 2, IN | {"operation": "create", "live": True, "fieldsUi": FIELDS}
        ),
    ],
    "connections": {
        "When clicking 'Test workflow'": {
            "main": [[{"node": "Webflow", "type": "main", "index": 0}]]
        }
    },
}


@pytest.mark.django_db(transaction=True)
def test_a_manual_run_publishes_the_item_from_the_trigger_s_data(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(WORKFLOW)
    assert validate_graph(graph) == []
    with running(FakeWebflow()) as webflow:
        credential = store.create(
            alice, "Site", "webflow", {"token": TOKEN, "base_url": f"{webflow.url}/v2"}
        )
        [create] = [n for n in graph["nodes"] if n["type"] == "app.webflow"]
        create["config"]["credential"] = credential.pk
        trigger = next(n["id"] for n in graph["nodes"] if n["type"] == "trigger.manual")
        execution = engine.start_execution(
            make_workflow(alice, graph), {"title": "Pricing"}, trigger_node=trigger
        )
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    [request] = webflow.requests
    assert request.path == f"/v2/collections/{COLLECTION}/items/live"
    assert request.json == {"fieldData": {"name": "Pricing", "slug": "faq"}}
