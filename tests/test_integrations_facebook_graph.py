"""app.facebook_graph against a fake Graph API (tests/fakes/facebook_graph.py): the request
each operation makes (path, version, fields, query, the token as `access_token`), Meta's
errors and rate limits, the token's test, and an Instagram post published through the engine
with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.facebook_graph import graph_api
from integrations.facebook_graph.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.facebook_graph import ACCOUNT, TOKEN, FakeGraph
from workfuse.lib.node_run import NodeError, Secret

FB = "app.facebook_graph"


@pytest.fixture
def graph(settings: Any) -> Iterator[FakeGraph]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeGraph()) as fake:
        yield fake


def token(fake: FakeGraph, value: str = TOKEN) -> Secret:
    return Secret("facebook_graph", {"access_token": value}, {"base_url": fake.url}, name="Page")


def test_post_sends_the_query_and_the_token_as_parameters(graph):
    config = {
        "operation": "post",
        "node_id": ACCOUNT,
        "edge": "media",
        "version": "v20.0",
        "query": {"image_url": "https://example.com/a.png", "caption": "Hi", "is_carousel": False},
    }
    output = run_app(FB, config, token(graph))
    [request] = graph.requests
    assert (request.method, request.path) == ("POST", f"/v20.0/{ACCOUNT}/media")
    assert {k: v[-1] for k, v in request.query.items()} == {
        "image_url": "https://example.com/a.png",
        "caption": "Hi",
        "is_carousel": "false",
        "access_token": TOKEN,
    }
    assert output == {"id": next(iter(graph.containers))}


def test_get_reads_the_fields_and_delete_removes(graph):
    container = run_app(
        FB,
        {"operation": "post", "node_id": ACCOUNT, "edge": "media", "query": {"image_url": "u"}},
        token(graph),
    )["id"]
    fields = {"fields": ["id", "status_code"], "node_id": container}
    got = run_app(FB, {"operation": "get", **fields}, token(graph))
    deleted = run_app(FB, {"operation": "delete", "node_id": container}, token(graph))
    assert graph.requests[1].path == f"/{container}"
    assert graph.requests[1].query["fields"] == ["id,status_code"]
    assert got == {"id": container, "status_code": "FINISHED"}
    assert deleted == {"success": True} and graph.containers == {}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "get"}, "node_id"),
        ({"operation": "get", "node_id": "me", "version": "20"}, "version"),
        ({"operation": "post", "node_id": "me", "query": "[1]"}, "query"),
    ],
)
def test_a_call_needs_a_node_and_a_well_formed_version_and_query(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_meta_s_errors_are_quoted_and_its_rate_limit_is_retried(graph):
    wrong = app_error(FB, {"operation": "get", "node_id": "me"}, token(graph, "old"))
    assert not wrong.retryable
    assert wrong.message == (
        "Facebook Graph API refused GET me (HTTP 400): Invalid OAuth access token - Cannot "
        "parse access token"
    )
    missing = app_error(
        FB, {"operation": "post", "node_id": ACCOUNT, "edge": "media_publish"}, token(graph)
    )
    assert missing.message.endswith("(HTTP 400): Media ID is not available")
    graph.script(
        Answer(403, {"error": {"message": "Application request limit reached", "code": 4}})
    )
    limited = app_error(FB, {"operation": "get", "node_id": "me"}, token(graph))
    assert limited.retryable
    assert limited.message.startswith("Facebook Graph API is rate limiting GET me")


def test_the_token_test_reads_me(graph):
    assert (
        graph_api.check_token(token(graph)) == "Connected to the Facebook Graph API as Acme Page."
    )
    with pytest.raises(NodeError, match="Invalid OAuth access token"):
        graph_api.check_token(token(graph, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_checks_and_publishes_an_instagram_post(alice, graph):
    credential = store.create(
        alice, "Page", "facebook_graph", {"access_token": TOKEN, "base_url": graph.url}
    )
    common = {"credential": credential.pk, "version": "v20.0"}
    nodes = (
        {
            "id": "container",
            "type": FB,
            "config": common
            | {
                "operation": "post",
                "node_id": "{{ trigger.account }}",
                "edge": "media",
                "query": {"image_url": "{{ trigger.image }}", "caption": "{{ trigger.caption }}"},
            },
        },
        {
            "id": "status",
            "type": FB,
            "config": common
            | {"node_id": "{{ nodes.container.id }}", "fields": ["id", "status_code"]},
        },
        {
            "id": "publish",
            "type": FB,
            "config": common
            | {
                "operation": "post",
                "node_id": "{{ trigger.account }}",
                "edge": "media_publish",
                "query": {"creation_id": "{{ nodes.status.id }}"},
            },
        },
    )
    trigger = {"account": ACCOUNT, "image": "https://example.com/a.png", "caption": "Trends"}
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), trigger)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [published] = graph.published.values()
    assert published["caption"] == "Trends"
    step = Step.objects.get(execution=execution, key="status")
    assert step.output is not None and step.output["status_code"] == "FINISHED"
    assert TOKEN not in json.dumps([s.input for s in execution.steps.all()])
