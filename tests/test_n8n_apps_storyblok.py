"""Importing n8n's Storyblok node (editor/n8n/apps_storyblok.py) onto `app.storyblok`: the
config each Management API operation becomes, the refusals (the Content API source among
them), and the corpus's list → publish-each workflow run in the engine against the fake
Storyblok."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.storyblok import SPACE, TOKEN, FakeStoryblok
from tests.test_n8n_apps import converted, refusal, single

MAPI = {"source": "managementApi"}
CORPUS = [
    {
        "space": 96940,
        "source": "managementApi",
        "filters": {"starts_with": "release"},
        "operation": "getAll",
    },
    {
        "space": '={{$node["Storyblok"].parameter["space"]}}',
        "source": "managementApi",
        "options": {},
        "storyId": '={{$node["Storyblok"].json["id"]}}',
        "operation": "publish",
    },
]


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            CORPUS[0],
            {
                "operation": "list_stories",
                "space_id": "96940",
                "starts_with": "release",
                "max_results": 50,
            },
        ),
        (
            MAPI | {"space": 1, "operation": "getAll", "returnAll": True},
            {"operation": "list_stories", "space_id": "1", "max_results": 5000},
        ),
        (
            MAPI
            | {"space": 1, "storyId": "7", "operation": "publish", "options": {"language": "de"}},
            {"operation": "publish_story", "space_id": "1", "story_id": "7", "language": "de"},
        ),
        (
            MAPI | {"space": 1, "storyId": "7"},
            {"operation": "get_story", "space_id": "1", "story_id": "7"},
        ),
        (
            MAPI | {"space": 1, "storyId": "7", "operation": "unpublish"},
            {"operation": "unpublish_story", "space_id": "1", "story_id": "7"},
        ),
        (
            MAPI | {"space": 1, "storyId": "7", "operation": "delete"},
            {"operation": "delete_story", "space_id": "1", "story_id": "7"},
        ),
    ],
)
def test_each_operation_becomes_its_storyblok_config(params, config):
    node = converted("storyblok", params)
    assert node["type"] == "app.storyblok"
    assert node["config"] == config
    assert "choose a Storyblok credential (a Management API token)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"space": 1, "storyId": "7"}, "reads the Content API"),
        (MAPI | {"storyId": "7"}, "names no Space ID"),
        (MAPI | {"space": 1, "operation": "publish"}, "names no Story ID"),
        (MAPI | {"resource": "component", "operation": "get"}, "does 'component / get'"),
    ],
)
def test_what_the_storyblok_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("storyblok", params)
    assert "'App' (n8n-nodes-base.storyblok)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_list_then_publish_each_workflow_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("storyblok", CORPUS[0], name="Storyblok")
    data["nodes"].append({**data["nodes"][1], "name": "Storyblok1", "parameters": CORPUS[1]})
    data["connections"]["Storyblok"] = {
        "main": [[{"node": "Storyblok1", "type": "main", "index": 0}]]
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeStoryblok()) as storyblok:
        for slug in ("release/1", "blog/a", "release/2"):
            storyblok.add(slug)
        credential = store.create(
            alice, "CMS", "storyblok", {"access_token": TOKEN, "base_url": storyblok.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.storyblok":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        published = {s["full_slug"]: s["published"] for s in storyblok.stories.values()}
        paths = [r.path for r in storyblok.requests]
    assert published == {"release/1": True, "blog/a": False, "release/2": True}
    assert paths[1:] == [
        f"/v1/spaces/{SPACE}/stories/100/publish",
        f"/v1/spaces/{SPACE}/stories/102/publish",
    ]
