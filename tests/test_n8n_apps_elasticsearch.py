"""Importing n8n's Elasticsearch node (editor/n8n/apps_elasticsearch.py) onto
`app.elasticsearch`: the config each operation becomes (from the corpus's own settings), the
refusals, and the corpus's Set Variables → Create Docs In Elasticsearch steps run in the engine
against the fake Elasticsearch."""

from __future__ import annotations

import json

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.elasticsearch import PASSWORD, USER, FakeElasticsearch
from tests.test_n8n_apps import converted, refusal, single, spec_items

# From awesome/"Build Your Own Image Search Using AI Object Detection, CDN and ElasticSearch".
SET_VARIABLES = {
    "options": {},
    "assignments": {
        "assignments": [
            {
                "id": "a",
                "name": "source_image",
                "type": "string",
                "value": "https://images.example/p.jpeg",
            },
            {
                "id": "b",
                "name": "elasticsearch_index",
                "type": "string",
                "value": "n8n-image-search",
            },
        ]
    },
}
CREATE_DOCS = {
    "indexId": "={{ $('Set Variables').item.json.elasticsearch_index }}",
    "options": {},
    "fieldsUi": {
        "fieldValues": [
            {
                "fieldId": "source_image_url",
                "fieldValue": "={{ $('Set Variables').item.json.source_image }}",
            },
            {"fieldId": "label", "fieldValue": "cat"},
            {
                "fieldId": "metadata",
                "fieldValue": "={{ JSON.stringify(Object.assign($('Set Variables').item.json, { filename: 'cat.png' })) }}",
            },
        ]
    },
    "operation": "create",
    "additionalFields": {},
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            CREATE_DOCS
            | {
                "indexId": "images",
                "fieldsUi": {"fieldValues": [{"fieldId": "label", "fieldValue": "cat"}]},
                "additionalFields": {"documentId": "d1"},
            },
            {
                "operation": "index_document",
                "index": "images",
                "document": {"label": "cat"},
                "document_id": "d1",
            },
        ),
        (
            {"indexId": "images", "documentId": "d1", "simple": False},
            {"operation": "get_document", "index": "images", "document_id": "d1", "simple": False},
        ),
        (
            {
                "operation": "getAll",
                "indexId": "images",
                "limit": 5,
                "options": {"query": '{"query": {"term": {"label": "cat"}}}'},
            },
            {
                "operation": "search_documents",
                "index": "images",
                "query": {"term": {"label": "cat"}},
                "max_results": 5,
            },
        ),
        (
            {
                "operation": "update",
                "indexId": "images",
                "documentId": "d1",
                "fieldsUi": {"fieldValues": [{"fieldId": "label", "fieldValue": "dog"}]},
            },
            {
                "operation": "update_document",
                "index": "images",
                "document_id": "d1",
                "document": {"label": "dog"},
            },
        ),
        (
            {"operation": "delete", "indexId": "images", "documentId": "d1"},
            {"operation": "delete_document", "index": "images", "document_id": "d1"},
        ),
    ],
)
def test_each_operation_becomes_its_elasticsearch_config(params, config):
    node = converted("elasticsearch", params)
    assert node["type"] == "app.elasticsearch"
    assert node["config"] == config
    assert "choose a Elasticsearch credential" in node["notes"]


def test_a_search_emits_one_item_per_document():
    assert spec_items("elasticsearch", {"operation": "getAll", "indexId": "i"}, 1) == "documents"
    assert spec_items("elasticsearch", {"indexId": "i", "documentId": "d"}, 1) is None


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "index", "operation": "create"}, "does 'index / create'"),
        (CREATE_DOCS | {"indexId": "i", "dataToSend": "autoMapInputData"}, "Auto-Map Input Data"),
        (
            {"operation": "getAll", "indexId": "i", "options": {"query": '{"aggs": {}}'}},
            "sends aggs",
        ),
        ({"indexId": "i", "documentId": "d", "options": {"_source": "a"}}, "sets _source"),
        ({"documentId": "d"}, "names no index (Index ID)"),
    ],
)
def test_what_the_elasticsearch_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("elasticsearch", params)
    assert "'App' (n8n-nodes-base.elasticsearch)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_create_docs_step_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("set", SET_VARIABLES, version=3.3, name="Set Variables")
    data["nodes"].append(
        {
            "parameters": CREATE_DOCS,
            "name": "Create Docs In Elasticsearch",
            "type": "n8n-nodes-base.elasticsearch",
            "typeVersion": 1,
            "position": [400, 0],
        }
    )
    data["connections"]["Set Variables"] = {
        "main": [[{"node": "Create Docs In Elasticsearch", "type": "main", "index": 0}]]
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeElasticsearch()) as cluster:
        credential = store.create(
            alice,
            "Search",
            "elasticsearch",
            {"username": USER, "password": PASSWORD, "base_url": cluster.url},
        )
        for node in graph["nodes"]:
            if node["type"] == "app.elasticsearch":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [doc] = cluster.indices["n8n-image-search"].values()
    assert doc["source_image_url"] == "https://images.example/p.jpeg"
    assert doc["label"] == "cat"
    assert json.loads(doc["metadata"])["filename"] == "cat.png"
