"""app.spotify against a fake Spotify (tests/fakes/spotify.py): the refresh-token grant, each
operation's request and output, lists read across pages, Spotify's errors, the credential's
test, and a run through the engine with a stored credential."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.spotify import web_api
from integrations.spotify.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.spotify import (
    ACCESS_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    FakeSpotify,
)
from workfuse.lib.node_run import NodeError, Secret

SP = "app.spotify"


@pytest.fixture
def spotify(settings: Any) -> Iterator[FakeSpotify]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeSpotify()) as fake:
        yield fake


def value(fake: FakeSpotify, refresh: str = REFRESH_TOKEN) -> dict[str, Any]:
    return {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": refresh,
        "base_url": fake.url,
        "token_url": f"{fake.url}/api/token",
    }


def account(fake: FakeSpotify, refresh: str = REFRESH_TOKEN) -> Secret:
    v = value(fake, refresh)
    secrets = {k: v.pop(k) for k in ("client_secret", "refresh_token")}
    return Secret("spotify", secrets, v, name="Music")


def test_search_trades_the_refresh_token_then_reads_pages_of_tracks(spotify):
    spotify.add_tracks(*[f"Blue {n}" for n in range(70)], "Red")
    output = run_app(SP, {"query": "blue", "max_results": 60}, account(spotify))
    token, first, second = spotify.requests
    assert token.path == "/api/token" and token.form == {
        "grant_type": "refresh_token",
        "refresh_token": REFRESH_TOKEN,
    }
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert token.headers["authorization"] == f"Basic {basic}"
    assert first.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert first.query == {"q": ["blue"], "type": ["track"], "limit": ["50"], "offset": ["0"]}
    assert second.query["limit"] == ["10"] and second.query["offset"] == ["50"]
    assert output["count"] == 60 and output["items"][59]["name"] == "Blue 59"


def test_one_search_result_is_one_request(spotify):
    [hit] = spotify.add_tracks("Hey Jude")
    output = run_app(SP, {"query": "jude", "max_results": 1}, account(spotify))
    assert output == {"items": [hit], "count": 1}
    assert len(spotify.requests) == 2


def test_playlist_tracks_are_added_by_uri_or_id_and_removed(spotify):
    one, two = spotify.add_tracks("One", "Two")
    spotify.add_playlist("5SY22gVudzaD31v5rq5jcH", "Mix")
    added = run_app(
        SP,
        {
            "operation": "add_to_playlist",
            "playlist_id": "spotify:playlist:5SY22gVudzaD31v5rq5jcH",
            "track_uris": f"{one['uri']}, {two['id']}",
        },
        account(spotify),
    )
    assert spotify.requests[-1].path == "/v1/playlists/5SY22gVudzaD31v5rq5jcH/tracks"
    assert spotify.requests[-1].json == {"uris": [one["uri"], two["uri"]]}
    assert added == {"snapshot_id": "snap2"}
    listed = run_app(
        SP,
        {"operation": "list_playlist_tracks", "playlist_id": "5SY22gVudzaD31v5rq5jcH"},
        account(spotify),
    )
    assert [i["track"]["name"] for i in listed["items"]] == ["One", "Two"]
    removed = run_app(
        SP,
        {
            "operation": "remove_from_playlist",
            "playlist_id": "https://open.spotify.com/playlist/5SY22gVudzaD31v5rq5jcH?si=1",
            "track_uris": one["uri"],
        },
        account(spotify),
    )
    assert spotify.requests[-1].method == "DELETE"
    assert spotify.requests[-1].json == {"tracks": [{"uri": one["uri"]}]}
    assert removed == {"success": True}
    assert [i["track"]["name"] for i in spotify.playlists["5SY22gVudzaD31v5rq5jcH"]["items"]] == [
        "Two"
    ]


def test_adding_more_than_a_hundred_tracks_takes_several_calls_at_the_position(spotify):
    tracks = spotify.add_tracks(*[f"T{n}" for n in range(150)])
    spotify.add_playlist("p1", "Big")
    uris = ",".join(t["uri"] for t in tracks)
    run_app(
        SP,
        {"operation": "add_to_playlist", "playlist_id": "p1", "track_uris": uris, "position": "0"},
        account(spotify),
    )
    posts = [r.json for r in spotify.requests if r.method == "POST" and r.path != "/api/token"]
    assert [(len(p["uris"]), p["position"]) for p in posts] == [(100, 0), (50, 100)]
    assert len(spotify.playlists["p1"]["items"]) == 150


def test_lists_of_playlists_and_liked_tracks_and_a_track_and_a_playlist(spotify):
    [song] = spotify.add_tracks("Liked")
    spotify.liked = [{"added_at": "2026-12-01T00:00:00Z", "track": song}] * 120
    spotify.add_playlist("p1", "Mine")
    spotify.add_playlist("p2", "Theirs", owner="Bob")
    liked = run_app(SP, {"operation": "list_liked_tracks", "max_results": 5000}, account(spotify))
    assert liked["count"] == 120 and liked["items"][0]["track"]["name"] == "Liked"
    mine = run_app(SP, {"operation": "list_my_playlists"}, account(spotify))
    assert [p["owner"]["display_name"] for p in mine["items"]] == ["Ada", "Bob"]
    got = run_app(SP, {"operation": "get_track", "track_id": song["uri"]}, account(spotify))
    assert got["name"] == "Liked"
    playlist = run_app(SP, {"operation": "get_playlist", "playlist_id": "p2"}, account(spotify))
    assert playlist["name"] == "Theirs" and playlist["tracks"]["total"] == 0


def test_the_player_queues_skips_pauses_resumes_and_says_what_plays(spotify):
    [song] = spotify.add_tracks("Now")
    nothing = run_app(SP, {"operation": "currently_playing"}, account(spotify))
    assert nothing == {"is_playing": False, "item": None}
    spotify.playing = song
    spotify.played = [{"track": song, "played_at": "2026-12-06T09:00:00Z"}]
    queued = run_app(SP, {"operation": "add_to_queue", "track_uris": song["id"]}, account(spotify))
    for op in ("next_track", "previous_track", "pause", "resume"):
        assert run_app(SP, {"operation": op}, account(spotify)) == {"success": True}
    assert queued == {"success": True} and spotify.queue == [song["uri"]]
    assert spotify.events == ["POST /next", "POST /previous", "PUT /pause", "PUT /play"]
    assert run_app(SP, {"operation": "currently_playing"}, account(spotify))["item"] == song
    recent = run_app(SP, {"operation": "recently_played", "max_results": 200}, account(spotify))
    assert recent["count"] == 1 and spotify.requests[-1].query == {"limit": ["50"]}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "search"}, "query"),
        ({"operation": "add_to_playlist", "track_uris": "x"}, "playlist_id"),
        ({"operation": "add_to_queue"}, "track_uris"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_refusals_name_the_credential_or_quote_spotify(spotify):
    bad = app_error(SP, {"operation": "currently_playing"}, account(spotify, "revoked"))
    assert not bad.retryable
    assert bad.message.startswith(
        "Spotify did not accept the credential “Music” (invalid_grant: Invalid refresh token)"
    )
    missing = app_error(SP, {"operation": "get_track", "track_id": "nope"}, account(spotify))
    assert missing.message == "Spotify refused get_track (HTTP 404): Non existing id"
    spotify.device = False
    idle = app_error(SP, {"operation": "pause"}, account(spotify))
    assert "No active device found" in idle.message
    wrong = app_error(
        SP, {"operation": "get_track", "track_id": "spotify:album:1YZ3k65"}, account(spotify)
    )
    assert wrong.message.startswith("“spotify:album:1YZ3k65” is not a Spotify track id")


def test_a_rate_limit_is_retried_after_the_wait_spotify_asks(spotify):
    spotify.script(
        Answer(200, {"access_token": ACCESS_TOKEN}),
        Answer(429, None, {"Retry-After": "7"}),
    )
    limited = app_error(SP, {"operation": "list_my_playlists"}, account(spotify))
    assert limited.retryable and limited.retry_after == 7


def test_the_credential_test_names_the_user(spotify):
    assert web_api.check(account(spotify)) == "Spotify accepted the credential for Ada Lovelace."
    with pytest.raises(NodeError, match="did not accept the credential “Music”"):
        web_api.check(account(spotify, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_queues_the_rendered_track_with_the_stored_credential(alice, spotify):
    credential = store.create(alice, "Music", "spotify", value(spotify))
    node = {
        "id": "queue",
        "type": SP,
        "config": {
            "credential": credential.pk,
            "operation": "add_to_queue",
            "track_uris": "spotify:track:{{ trigger.id }}",
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"id": "abc123"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert spotify.queue == ["spotify:track:abc123"]
    step = Step.objects.get(execution=execution, key="queue")
    assert step.output == {"success": True}
    dumped = json.dumps([step.input, step.output])
    assert REFRESH_TOKEN not in dumped and CLIENT_SECRET not in dumped
