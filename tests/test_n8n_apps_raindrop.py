"""Importing n8n's Raindrop node (editor/n8n/apps_raindrop.py) onto `app.raindrop`: the bookmark
operations' configs, the refusals, and the corpus's YouTube-to-Raindrop bookmark (one per
item, tags split as n8n splits them) run in the engine against the fake Raindrop.io."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.raindrop import TOKEN, FakeRaindrop
from tests.test_n8n_apps import converted, refusal

CORPUS = {
    "link": '=https://www.youtube.com/watch?v={{$json["resourceId"]["videoId"]}}',
    "resource": "bookmark",
    "operation": "create",
    "collectionId": 0,
    "additionalFields": {
        "tags": "youtube",
        "title": '={{$json["videoOwnerChannelTitle"]}} | {{$json["title"]}}',
    },
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            CORPUS
            | {"link": "https://a.b", "additionalFields": {"tags": "a, b", "important": True}},
            {
                "operation": "create_bookmark",
                "link": "https://a.b",
                "collection_id": 0,
                "tags": ["a", "b"],
                "important": True,
            },
        ),
        (
            {"resource": "bookmark", "operation": "get", "bookmarkId": "9"},
            {"operation": "get_bookmark", "bookmark_id": "9"},
        ),
        (
            {"resource": "bookmark", "operation": "delete", "bookmarkId": "9"},
            {"operation": "delete_bookmark", "bookmark_id": "9"},
        ),
    ],
)
def test_each_bookmark_operation_becomes_its_raindrop_config(params, config):
    node = converted("raindrop", params)
    assert node["type"] == "app.raindrop" and node["config"] == config
    assert "choose a Raindrop.io credential" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({}, "does 'collection / create'"),
        ({"resource": "bookmark", "operation": "getAll"}, "does 'bookmark / getAll'"),
        (
            CORPUS | {"additionalFields": {"pleaseParse": True, "cover": "x"}},
            "Additional Fields cover",
        ),
        (CORPUS | {"link": ""}, "names no Link"),
    ],
)
def test_what_the_raindrop_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("raindrop", params)
    assert "'App' (n8n-nodes-base.raindrop)" in message and said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_videos_are_bookmarked_one_by_one(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = {
        "name": "YouTube to Raindrop",
        "nodes": [
            {
                "parameters": {"path": "videos", "httpMethod": "POST", "options": {}},
                "name": "Webhook",
                "type": "n8n-nodes-base.webhook",
                "typeVersion": 1,
                "position": [0, 0],
            },
            {
                "parameters": {"fieldToSplitOut": "body.videos", "options": {}},
                "name": "Split Out",
                "type": "n8n-nodes-base.splitOut",
                "typeVersion": 1,
                "position": [100, 0],
            },
            {
                "parameters": CORPUS,
                "name": "Raindrop Bookmark",
                "type": "n8n-nodes-base.raindrop",
                "typeVersion": 1,
                "position": [200, 0],
            },
        ],
        "connections": {
            "Webhook": {"main": [[{"node": "Split Out", "type": "main", "index": 0}]]},
            "Split Out": {"main": [[{"node": "Raindrop Bookmark", "type": "main", "index": 0}]]},
        },
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    videos = [
        {"resourceId": {"videoId": "abc"}, "videoOwnerChannelTitle": "n8n", "title": "Intro"},
        {"resourceId": {"videoId": "def"}, "videoOwnerChannelTitle": "n8n", "title": "Loops"},
    ]
    with running(FakeRaindrop()) as raindrop:
        credential = store.create(
            alice, "Drops", "raindrop", {"access_token": TOKEN, "base_url": raindrop.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.raindrop":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(
            make_workflow(alice, graph), {"body": {"videos": videos}}
        )
        execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert [r.json for r in raindrop.requests] == [
        {
            "link": "https://www.youtube.com/watch?v=abc",
            "collection": {"$id": 0},
            "title": "n8n | Intro",
            "tags": ["youtube"],
        },
        {
            "link": "https://www.youtube.com/watch?v=def",
            "collection": {"$id": 0},
            "title": "n8n | Loops",
            "tags": ["youtube"],
        },
    ]
