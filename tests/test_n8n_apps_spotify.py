"""Importing n8n's Spotify node (editor/n8n/apps_spotify.py) onto `app.spotify`: the config each
operation becomes (from the corpus's own settings), the refusals, where many results lie, and an
imported workflow run in the engine against the fake Spotify."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert, import_n8n
from editor.nodes import NODE_TYPES
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.spotify import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeSpotify
from tests.test_n8n_apps import converted, refusal, single, spec_items


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "limit": 1,
                "query": "={{ $json.q }}",
                "filters": {},
                "resource": "track",
                "operation": "search",
            },
            {
                "operation": "search",
                "search_type": "track",
                "query": "{{ trigger.q }}",
                "max_results": 1,
            },
        ),
        (
            {
                "limit": "={{ 1 }}",
                "query": "x",
                "resource": "artist",
                "operation": "search",
                "filters": {"market": "FR"},
            },
            {
                "operation": "search",
                "search_type": "artist",
                "query": "x",
                "max_results": 1,
                "market": "FR",
            },
        ),
        (
            {
                "id": "5SY22gVudzaD31v5rq5jcH",
                "resource": "playlist",
                "operation": "getTracks",
                "returnAll": True,
            },
            {
                "operation": "list_playlist_tracks",
                "max_results": 5000,
                "playlist_id": "5SY22gVudzaD31v5rq5jcH",
            },
        ),
        (
            {"resource": "playlist", "operation": "getUserPlaylists"},
            {"operation": "list_my_playlists", "max_results": 50},
        ),
        (
            {"resource": "library", "returnAll": True},
            {"operation": "list_liked_tracks", "max_results": 5000},
        ),
        (
            {
                "id": "={{ $json.uri }}",
                "trackID": "=spotify:track:{{ $json.t }}",
                "resource": "playlist",
                "additionalFields": {"position": 2},
            },
            {
                "operation": "add_to_playlist",
                "playlist_id": "{{ trigger.uri }}",
                "track_uris": "spotify:track:{{ trigger.t | n8n_text }}",
                "position": 2,
            },
        ),
        (
            {
                "id": "p",
                "trackID": "spotify:track:1",
                "resource": "playlist",
                "operation": "delete",
            },
            {
                "operation": "remove_from_playlist",
                "playlist_id": "p",
                "track_uris": "spotify:track:1",
            },
        ),
        (
            {"id": "p", "resource": "playlist", "operation": "get"},
            {"operation": "get_playlist", "playlist_id": "p"},
        ),
        (
            {"id": "t", "resource": "track", "operation": "get"},
            {"operation": "get_track", "track_id": "t"},
        ),
        (
            {"id": "=spotify:track:{{ $json.id }}"},
            {
                "operation": "add_to_queue",
                "track_uris": "spotify:track:{{ trigger.id | n8n_text }}",
            },
        ),
        ({"operation": "nextSong"}, {"operation": "next_track"}),
        ({"operation": "previousSong"}, {"operation": "previous_track"}),
        ({"operation": "pause"}, {"operation": "pause"}),
        ({"operation": "resume"}, {"operation": "resume"}),
        ({"operation": "currentlyPlaying"}, {"operation": "currently_playing"}),
        (
            {"operation": "recentlyPlayed", "limit": 80},
            {"operation": "recently_played", "max_results": 50},
        ),
    ],
)
def test_each_operation_becomes_its_spotify_config(params, config):
    node = converted("spotify", params, 1)
    assert node["type"] == "app.spotify"
    assert node["config"] == config
    assert "choose a Spotify credential" in node["notes"]
    NODE_TYPES["app.spotify"].Config.model_validate(config)


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"operation": "volume"}, "does 'player / volume'"),
        ({"operation": "startMusic", "id": "x"}, "does 'player / startMusic'"),
        ({"resource": "playlist", "operation": "create", "name": "x"}, "does 'playlist / create'"),
        ({"resource": "track", "operation": "getAudioFeatures", "id": "x"}, "getAudioFeatures"),
        ({"resource": "myData"}, "does 'myData / getFollowingArtists'"),
        ({"resource": "track", "operation": "search"}, "has no Search Keyword"),
        (
            {"resource": "track", "operation": "search", "query": "x", "limit": "={{ $json.n }}"},
            "sets its Limit with the expression",
        ),
    ],
)
def test_what_the_spotify_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("spotify", params, 1)
    assert "'App' (n8n-nodes-base.spotify)" in message
    assert said in message


def test_searches_and_lists_say_where_their_items_lie():
    assert (
        spec_items("spotify", {"resource": "track", "operation": "search", "query": "x"}, 1)
        == "items"
    )
    assert spec_items("spotify", {"resource": "library"}, 1) == "items"
    assert spec_items("spotify", {"operation": "pause"}, 1) is None


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_queues_the_track_it_found(alice, settings):
    """The corpus's Telegram-to-Spotify shape: search one track, then queue it by its id."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single(
        "spotify",
        {"limit": 1, "query": "={{ $json.q }}", "resource": "track", "operation": "search"},
    )
    data["nodes"].append(
        {
            **data["nodes"][1],
            "name": "Add song",
            "parameters": {"id": "=spotify:track:{{ $json.id }}"},
            "position": [480, 0],
        }
    )
    data["connections"]["App"] = {"main": [[{"node": "Add song", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeSpotify()) as spotify:
        [song] = spotify.add_tracks("Hey Jude")
        spotify.add_tracks("Hey Jude (live)")
        value = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": REFRESH_TOKEN,
            "base_url": spotify.url,
            "token_url": f"{spotify.url}/api/token",
        }
        credential = store.create(alice, "Music", "spotify", value)
        for node in graph["nodes"]:
            if node["type"] == "app.spotify":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {"q": "hey jude"})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        assert spotify.queue == [song["uri"]]


def test_the_report_asks_for_a_spotify_credential():
    data = single("spotify", {"operation": "pause"})
    data["nodes"][1]["credentials"] = {"spotifyOAuth2Api": {"id": "1", "name": "Spotify account"}}
    [slot] = import_n8n(data).report.credentials
    assert slot.kind == "spotify"
