"""Importing n8n's YouTube node (editor/n8n/apps_youtube.py) onto `app.youtube`: video search,
video, playlist items and channel configs (from the corpus's own settings, n8n's defaults for
parts and limits filled in), the refusals, where listed items lie, and an imported workflow run
in the engine against the fake Google."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.gmail import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from tests.fakes.youtube import PLAYLIST_ID, FakeYouTube
from tests.test_n8n_apps import converted, refusal, single, spec_items


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "limit": 3,
                "filters": {"q": "={{ $json.query.search_term }}", "regionCode": "US"},
                "options": {"order": "relevance", "safeSearch": "moderate"},
                "resource": "video",
            },
            {
                "operation": "search_videos",
                "query": "{{ trigger.query.search_term }}",
                "region_code": "US",
                "order": "relevance",
                "safe_search": "moderate",
                "max_results": 3,
            },
        ),
        (
            {"resource": "video", "filters": {"channelId": "UC08Fah8EIryeOZRkjBRohcQ"}},
            {
                "operation": "search_videos",
                "channel_id": "UC08Fah8EIryeOZRkjBRohcQ",
                "max_results": 25,
            },
        ),
        (
            {
                "part": ["snippet"],
                "options": {},
                "resource": "playlistItem",
                "operation": "getAll",
                "returnAll": True,
                "playlistId": "=PL552450E1514256AB",
            },
            {
                "operation": "list_playlist_items",
                "playlist_id": "PL552450E1514256AB",
                "parts": "snippet",
                "max_results": 500,
            },
        ),
        (
            {"resource": "video", "operation": "get", "videoId": "abc"},
            {
                "operation": "get_video",
                "video_id": "abc",
                "parts": "contentDetails,id,liveStreamingDetails,localizations,player,"
                "recordingDetails,snippet,statistics,status,topicDetails",
            },
        ),
        (
            {"operation": "get", "channelId": "UC1", "part": ["statistics", "snippet"]},
            {"operation": "get_channel", "channel_id": "UC1", "parts": "statistics,snippet"},
        ),
    ],
)
def test_each_operation_becomes_its_youtube_config(params, config):
    node = converted("youTube", params)
    assert node["type"] == "app.youtube"
    assert node["config"] == config
    assert "choose a YouTube credential" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "video", "operation": "upload"}, "does 'video / upload'"),
        ({}, "does 'channel / getAll'"),
        ({"resource": "playlistItem", "operation": "getAll"}, "has no Playlist ID; set it in n8n."),
        (
            {"resource": "video", "filters": {"location": "1,2"}},
            "filters by location, which WorkFuse's YouTube node does not send",
        ),
        (
            {"resource": "video", "operation": "get", "videoId": "a", "options": {"h": "1"}},
            "sets the option(s) h, which WorkFuse's YouTube node does not send",
        ),
    ],
)
def test_what_the_youtube_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("youTube", params)
    assert "'App' (n8n-nodes-base.youTube)" in message
    assert said in message


def test_listed_videos_and_items_say_where_they_lie():
    assert spec_items("youTube", {"resource": "video"}, 1) == "videos"
    items = {"resource": "playlistItem", "operation": "getAll", "playlistId": "P"}
    assert spec_items("youTube", items, 1) == "items"
    assert spec_items("youTube", {"resource": "video", "operation": "get"}, 1) is None


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_reads_each_playlist_videos_statistics(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single(
        "youTube",
        {
            "resource": "playlistItem",
            "operation": "getAll",
            "playlistId": PLAYLIST_ID,
            "part": ["snippet"],
        },
    )
    data["nodes"].append(
        {
            **data["nodes"][1],
            "name": "Video",
            "parameters": {
                "resource": "video",
                "operation": "get",
                "videoId": "={{ $json.snippet.resourceId.videoId }}",
                "part": ["statistics"],
            },
            "position": [480, 0],
        }
    )
    data["connections"]["App"] = {"main": [[{"node": "Video", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeYouTube()) as youtube:
        youtube.add("One", "2026-11-01T00:00:00Z")
        youtube.add("Two", "2026-11-02T00:00:00Z")
        credential = store.create(
            alice,
            "Channel",
            "youtube",
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "refresh_token": REFRESH_TOKEN,
                "base_url": youtube.url,
                "token_url": youtube.token_url,
            },
        )
        for node in graph["nodes"]:
            if node["type"] == "app.youtube":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        asked = sorted(r.query["id"][-1] for r in youtube.requests if r.path.endswith("/videos"))
    assert asked == ["vid00000001", "vid00000002"]
