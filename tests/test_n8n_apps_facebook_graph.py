"""Importing n8n's Facebook Graph API node (editor/n8n/apps_facebook_graph.py) onto
`app.facebook_graph`: the config each corpus node becomes, the refusals, and the corpus's
Instagram publishing chain (container → status → publish) run in the engine against the fake
Graph API."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.facebook_graph import ACCOUNT, TOKEN, FakeGraph
from tests.test_n8n_apps import converted, refusal, single

STATUS_FIELDS = {"fields": {"field": [{"name": "id"}, {"name": "status"}, {"name": "status_code"}]}}
# The corpus's Instagram workflow, its expressions pointed at this test's own nodes.
PREPARE = {
    "edge": "media",
    "node": ACCOUNT,
    "options": {
        "queryParameters": {
            "parameter": [
                {"name": "image_url", "value": "https://example.com/trend.png"},
                {"name": "caption", "value": "={{ $json.caption }}"},
            ]
        }
    },
    "graphApiVersion": "v20.0",
    "httpRequestMethod": "POST",
}
CHECK = {"node": "={{ $json.id }}", "options": STATUS_FIELDS, "graphApiVersion": "v20.0"}
PUBLISH = {
    "edge": "media_publish",
    "node": ACCOUNT,
    "options": {
        "queryParameters": {"parameter": [{"name": "creation_id", "value": "={{ $json.id }}"}]}
    },
    "graphApiVersion": "v20.0",
    "httpRequestMethod": "POST",
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            PREPARE,
            {
                "operation": "post",
                "node_id": ACCOUNT,
                "edge": "media",
                "version": "v20.0",
                "query": {
                    "image_url": "https://example.com/trend.png",
                    "caption": "{{ trigger.caption }}",
                },
            },
        ),
        (
            CHECK,
            {
                "operation": "get",
                "node_id": "{{ trigger.id }}",
                "version": "v20.0",
                "fields": ["id", "status", "status_code"],
            },
        ),
        (
            {
                "node": "me",
                "edge": "accounts",
                "options": {
                    "queryParameters": {"parameter": [{"name": "limit", "value": "5"}]},
                    "queryParametersJson": '{"limit": 10, "summary": true}',
                },
            },
            {
                "operation": "get",
                "node_id": "me",
                "edge": "accounts",
                "query": {"limit": 10, "summary": True},
            },
        ),
        (
            {"node": "123_456", "httpRequestMethod": "DELETE"},
            {"operation": "delete", "node_id": "123_456"},
        ),
        (
            {
                "node": "me",
                "edge": "videos",
                "hostUrl": "graph-video.facebook.com",
                "httpRequestMethod": "POST",
            },
            {"operation": "post", "node_id": "me", "edge": "videos", "video_host": True},
        ),
    ],
)
def test_each_corpus_call_becomes_its_graph_config(params, config):
    node = converted("facebookGraphApi", params)
    assert node["type"] == "app.facebook_graph"
    assert node["config"] == config
    assert "choose a Facebook Graph API credential (an access token)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"node": "me", "httpRequestMethod": "POST", "sendBinaryData": True}, "Send Binary File"),
        ({"node": "me", "allowUnauthorizedCerts": True}, "Ignore SSL Issues"),
        ({"edge": "feed"}, "names no Node"),
        (
            {"node": "me", "options": {"queryParametersJson": "={{ $json.q }}"}},
            "Query Parameters JSON with an expression",
        ),
    ],
)
def test_what_the_graph_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("facebookGraphApi", params)
    assert "'App' (n8n-nodes-base.facebookGraphApi)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_instagram_publishing_chain_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("facebookGraphApi", PREPARE, name="Prepare")
    data["nodes"][0] = {
        "parameters": {
            "assignments": {
                "assignments": [
                    {"id": "1", "name": "caption", "value": "Trends of the day", "type": "string"}
                ]
            }
        },
        "name": "Start",
        "type": "n8n-nodes-base.set",
        "typeVersion": 3.4,
        "position": [0, 0],
    }
    data["nodes"].insert(
        0,
        {
            "parameters": {},
            "name": "Manual",
            "type": "n8n-nodes-base.manualTrigger",
            "typeVersion": 1,
            "position": [-200, 0],
        },
    )
    template = data["nodes"][2]
    data["nodes"] += [
        {**template, "name": "Check", "parameters": CHECK},
        {**template, "name": "Publish", "parameters": PUBLISH},
    ]
    data["connections"] = {
        "Manual": {"main": [[{"node": "Start", "type": "main", "index": 0}]]},
        "Start": {"main": [[{"node": "Prepare", "type": "main", "index": 0}]]},
        "Prepare": {"main": [[{"node": "Check", "type": "main", "index": 0}]]},
        "Check": {"main": [[{"node": "Publish", "type": "main", "index": 0}]]},
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeGraph()) as fake:
        credential = store.create(
            alice, "Page", "facebook_graph", {"access_token": TOKEN, "base_url": fake.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.facebook_graph":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        published = list(fake.published.values())
        paths = [(r.method, r.path) for r in fake.requests]
    assert published == [{"id": published[0]["id"], "caption": "Trends of the day"}]
    assert [m for m, _ in paths] == ["POST", "GET", "POST"]
    assert paths[2][1] == f"/v20.0/{ACCOUNT}/media_publish"
