"""app.elasticsearch against a fake Elasticsearch 8 (tests/fakes/elasticsearch.py): each
operation's request and output, both ways to sign in, Elasticsearch's errors, the cluster test,
and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.elasticsearch import rest_api
from integrations.elasticsearch.node import Config
from integrations.registry import credential_kind
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.elasticsearch import API_KEY, PASSWORD, USER, FakeElasticsearch
from workfuse.lib.node_run import NodeError, Secret

ES = "app.elasticsearch"


@pytest.fixture
def cluster(settings: Any) -> Iterator[FakeElasticsearch]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeElasticsearch()) as fake:
        yield fake


def login(fake: FakeElasticsearch, password: str = PASSWORD) -> Secret:
    settings = {"base_url": fake.url, "username": USER}
    return Secret("elasticsearch", {"password": password}, settings, name="Search")


def test_index_then_get_update_search_and_delete(cluster):
    made = run_app(
        ES, {"index": "images", "document": {"label": "cat", "score": 0.98}}, login(cluster)
    )
    doc = {"index": "images", "document_id": made["_id"]}
    run_app(
        ES, {"index": "images", "document_id": "d2", "document": {"label": "dog"}}, login(cluster)
    )
    got = run_app(ES, doc | {"operation": "get_document"}, login(cluster))
    updated = run_app(
        ES, doc | {"operation": "update_document", "document": {"score": 0.5}}, login(cluster)
    )
    found = run_app(
        ES,
        {"operation": "search_documents", "index": "images", "query": {"match": {"label": "cat"}}},
        login(cluster),
    )
    whole = run_app(
        ES,
        {"operation": "search_documents", "index": "images", "max_results": 1, "simple": False},
        login(cluster),
    )
    deleted = run_app(ES, doc | {"operation": "delete_document"}, login(cluster))
    assert [(r.method, r.path) for r in cluster.requests] == [
        ("POST", "/images/_doc"),
        ("PUT", "/images/_doc/d2"),
        ("GET", f"/images/_doc/{made['_id']}"),
        ("POST", f"/images/_update/{made['_id']}"),
        ("POST", "/images/_search"),
        ("POST", "/images/_search"),
        ("DELETE", f"/images/_doc/{made['_id']}"),
    ]
    assert made["result"] == "created"
    assert got == {"_id": made["_id"], "label": "cat", "score": 0.98}
    assert cluster.requests[3].json == {"doc": {"score": 0.5}}
    assert updated["result"] == "updated"
    assert cluster.requests[4].json == {"size": 50, "query": {"match": {"label": "cat"}}}
    assert found == {"documents": [{"_id": made["_id"], "label": "cat", "score": 0.5}], "count": 1}
    assert whole["count"] == 1 and whole["documents"][0]["_source"] == {
        "label": "cat",
        "score": 0.5,
    }
    assert deleted["result"] == "deleted" and list(cluster.indices["images"]) == ["d2"]


def test_an_api_key_signs_in_as_elasticsearch_takes_it(cluster):
    secret = Secret("elasticsearch", {"api_key": API_KEY}, {"base_url": cluster.url}, name="K")
    run_app(ES, {"index": "i", "document": {"a": 1}}, secret)
    assert cluster.requests[0].headers["authorization"] == f"ApiKey {API_KEY}"


def test_the_credential_needs_a_key_or_a_user_with_a_password():
    kind = credential_kind("elasticsearch")
    assert kind is not None
    with pytest.raises(ValidationError, match="needs an API key, or a username"):
        kind.split({"password": "x", "base_url": "http://localhost:9200"})
    secrets, settings = kind.split(
        {"username": USER, "password": PASSWORD, "base_url": "http://localhost:9200/"}
    )
    assert secrets == {"password": PASSWORD}
    assert settings == {"username": USER, "base_url": "http://localhost:9200"}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "index_document", "document": {"a": 1}}, "index"),
        ({"operation": "index_document", "index": "i"}, "document"),
        ({"operation": "get_document", "index": "i"}, "document_id"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_elasticsearch_s_errors_are_quoted_and_a_wrong_password_names_the_credential(cluster):
    failed = app_error(ES, {"index": "i", "document": {"a": 1}}, login(cluster, "old"))
    assert not failed.retryable
    assert failed.message.startswith(
        "Elasticsearch did not accept the credential “Search” (security_exception: unable to "
        "authenticate user [elastic])"
    )
    no_index = app_error(
        ES, {"operation": "get_document", "index": "x", "document_id": "1"}, login(cluster)
    )
    assert no_index.message == (
        "Elasticsearch refused get_document (HTTP 404): index_not_found_exception: no such "
        "index [x]"
    )
    run_app(ES, {"index": "i", "document": {"a": 1}}, login(cluster))
    missing = app_error(
        ES, {"operation": "get_document", "index": "i", "document_id": "9"}, login(cluster)
    )
    assert missing.message.endswith("(HTTP 404): document 9 not found in index i")


def test_the_cluster_test_reads_its_version(cluster):
    assert rest_api.check_cluster(login(cluster)) == (
        "Connected to Elasticsearch 8.15.0 (cluster docker-cluster)."
    )
    with pytest.raises(NodeError, match="did not accept the credential “Search”"):
        rest_api.check_cluster(login(cluster, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_indexes_the_rendered_document_then_finds_it(alice, cluster):
    credential = store.create(
        alice,
        "Search",
        "elasticsearch",
        {"username": USER, "password": PASSWORD, "base_url": cluster.url},
    )
    nodes = (
        {
            "id": "store",
            "type": ES,
            "config": {
                "credential": credential.pk,
                "index": "images",
                "document": {"label": "{{ trigger.label }}"},
            },
        },
        {
            "id": "find",
            "type": ES,
            "config": {
                "credential": credential.pk,
                "operation": "search_documents",
                "index": "images",
                "query": {"term": {"label": "{{ trigger.label }}"}},
            },
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"label": "cat"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="find")
    assert step.output is not None and step.output["documents"][0]["label"] == "cat"
    assert PASSWORD not in json.dumps([s.input for s in execution.steps.all()])
