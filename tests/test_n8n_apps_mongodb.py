"""Importing n8n's MongoDB node (editor/n8n/apps_mongodb.py) onto `app.mongodb`: each operation's
config, JSON settings with expressions kept as values, the refusals, the mongoDbTool as a
companion workflow, and an imported Set → insert → find workflow run in the engine against the
fake MongoDB (tests/fakes/mongodb.py)."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes.mongodb import fake_mongo
from tests.test_n8n_apps import converted, refusal


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {"collection": "orders", "query": '{"status": "open"}'},
            {"operation": "find", "collection": "orders", "query": {"status": "open"}},
        ),
        (
            {
                "operation": "find",
                "collection": "orders",
                "query": '={"email": "{{ $json.email }}", "n": {"$gt": {{ $json.n }}}}',
                "options": {"limit": 5, "skip": 2, "sort": '{"n": -1}', "projection": "{}"},
            },
            {
                "operation": "find",
                "collection": "orders",
                "query": {"email": "{{ trigger.email }}", "n": {"$gt": "{{ trigger.n }}"}},
                "sort": {"n": -1},
                "limit": 5,
                "skip": 2,
            },
        ),
        (
            {"operation": "aggregate", "collection": "m", "query": "={{ $json.pipeline }}"},
            {"operation": "aggregate", "collection": "m", "pipeline": "{{ trigger.pipeline }}"},
        ),
        (
            {
                "operation": "insert",
                "collection": "people",
                "fields": "name, address.city, born",
                "options": {"useDotNotation": True, "dateFields": "born"},
            },
            {
                "operation": "insert",
                "collection": "people",
                "documents": {
                    "name": "{{ trigger.name }}",
                    "address.city": "{{ trigger.address.city }}",
                    "born": "{{ trigger.born }}",
                },
                "dot_notation": True,
                "date_fields": ["born"],
            },
        ),
        (
            {"operation": "update", "collection": "p", "fields": "stock", "upsert": True},
            {
                "operation": "update",
                "collection": "p",
                "update_key": "id",
                "upsert": True,
                "document": {"id": "{{ trigger.id }}", "stock": "{{ trigger.stock }}"},
            },
        ),
        (
            {
                "operation": "findOneAndReplace",
                "collection": "p",
                "updateKey": "sku",
                "fields": "sku,name",
            },
            {
                "operation": "find_one_and_replace",
                "collection": "p",
                "update_key": "sku",
                "upsert": False,
                "document": {"sku": "{{ trigger.sku }}", "name": "{{ trigger.name }}"},
            },
        ),
        (
            {"operation": "delete", "collection": "s", "query": '={"user": "{{ $json.id }}"}'},
            {"operation": "delete", "collection": "s", "query": {"user": "{{ trigger.id }}"}},
        ),
    ],
)
def test_each_operation_becomes_its_mongodb_config(params: dict, config: dict) -> None:
    node = converted("mongoDb", params)
    assert node["type"] == "app.mongodb"
    assert node["config"] == config
    assert "choose a MongoDB credential (a connection string)" in node["notes"]


def test_find_and_update_says_it_outputs_the_document_found() -> None:
    node = converted(
        "mongoDb", {"operation": "findOneAndUpdate", "collection": "p", "fields": "a"}, 1.2
    )
    assert node["config"]["operation"] == "find_one_and_update"
    assert "WorkFuse outputs the document found" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "searchIndexes", "operation": "listSearchIndexes"}, "does 'searchIndexes"),
        ({"collection": "c", "query": '{"a": "$1"}', "queryParameters": '=["x"]'}, "$1, $2"),
        ({"collection": "c", "query": "{status: open}"}, "has a query that is not JSON"),
        ({"collection": "c", "query": '={"{{ $json.f }}": 1}'}, "builds a field name"),
        ({"operation": "insert", "collection": "c"}, "names no fields to write"),
        ({"operation": "find", "query": "{}"}, "names no collection"),
        ({"operation": "aggregate", "collection": "c", "query": "[]"}, "has no pipeline"),
    ],
)
def test_what_the_mongodb_node_lacks_is_refused_naming_node_and_construct(
    params: dict, said: str
) -> None:
    message = refusal("mongoDb", params)
    assert "'App' (n8n-nodes-base.mongoDb)" in message
    assert said in message


def test_a_mongodb_tool_becomes_a_companion_reading_the_models_pipeline() -> None:
    from editor.n8n import SPECS, app_tools, sets
    from tests.test_n8n_ai import agent_export, n8n_node

    tool = n8n_node(
        "Movies",
        "n8n-nodes-base.mongoDbTool",
        {
            "operation": "aggregate",
            "collection": "movies",
            "query": '={{ $fromAI("pipeline", "The pipeline to run", "string") }}',
            "toolDescription": "Runs a MongoDB aggregation on the movies collection",
        },
        1.1,
    )
    data = agent_export({"promptType": "define", "text": "Suggest a film"}, (tool, "ai_tool"))
    [member] = sets.members([data])
    _, companion = app_tools.with_companions([member], SPECS)
    graph = convert(companion.data)
    app = next(n for n in graph["nodes"] if n["type"] == "app.mongodb")
    assert app["config"] == {
        "operation": "aggregate",
        "collection": "movies",
        "pipeline": "{{ trigger.pipeline }}",
    }
    assert validate_graph(graph) == []


def _node(name: str, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "type": f"n8n-nodes-base.{kind}",
        "typeVersion": 1,
        "position": [0, 0],
        "parameters": params,
    }


def _link(target: str) -> dict[str, Any]:
    return {"main": [[{"node": target, "type": "main", "index": 0}]]}


SIGNUP = {
    "nodes": [
        _node("Start", "manualTrigger", {}),
        _node(
            "Set",
            "set",
            {"values": {"string": [{"name": "name", "value": "Ada"}, {"name": "city"}]}},
        ),
        _node("Save", "mongoDb", {"operation": "insert", "collection": "people", "fields": "name"}),
        _node(
            "Read back",
            "mongoDb",
            {"collection": "people", "query": '={"name": "{{ $json.name }}"}'},
        ),
    ],
    "connections": {"Start": _link("Set"), "Set": _link("Save"), "Save": _link("Read back")},
}


@pytest.mark.django_db(transaction=True)
def test_an_imported_insert_then_find_runs_against_mongodb(alice: Any, settings: Any) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(SIGNUP)
    assert validate_graph(graph) == []
    with fake_mongo() as fake:
        value = {"connection_string": f"mongodb://127.0.0.1:{fake.port}/shop"}
        credential = store.create(alice, "Mongo", "mongodb", value)
        for node in graph["nodes"]:
            if node["type"] == "app.mongodb":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [stored] = fake.collection("shop", "people")
    assert stored["name"] == "Ada" and set(stored) == {"_id", "name"}
    output = execution.steps.get(node_id="read_back").output
    assert output is not None
    [found] = output["documents"]
    assert found == {"_id": str(stored["_id"]), "name": "Ada"}
