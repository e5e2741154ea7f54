"""app.youtube against a fake Google (tests/fakes/youtube.py): the refresh token traded for an
access token once per step, each operation's query (search's filters and forMine, parts,
maxResults/pageToken pages) and output, Google's errors (a revoked token, a missing playlist,
a rate limit retried), the credential's test, and a run through the engine."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.youtube import data_api
from integrations.youtube.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.gmail import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, google_error
from tests.fakes.youtube import CHANNEL_ID, PLAYLIST_ID, FakeYouTube
from workfuse.lib.node_run import NodeError, Secret

YT = "app.youtube"


@pytest.fixture
def youtube(settings: Any) -> Iterator[FakeYouTube]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeYouTube()) as fake:
        fake.add("n8n in ten minutes", "2026-11-01T10:00:00Z")
        fake.add("Workflows with n8n", "2026-11-20T10:00:00Z")
        fake.add("Someone else's n8n video", "2026-11-25T10:00:00Z", channel="UCother")
        yield fake


def oauth(fake: FakeYouTube, refresh: str = REFRESH_TOKEN) -> Secret:
    return Secret(
        "youtube",
        {"client_secret": CLIENT_SECRET, "refresh_token": refresh},
        {"client_id": CLIENT_ID, "base_url": fake.url, "token_url": fake.token_url},
        name="Channel",
    )


def api_calls(fake: FakeYouTube) -> list[Any]:
    return [r for r in fake.requests if r.path != "/token"]


def test_search_sends_the_filters_and_outputs_the_results(youtube):
    output = run_app(
        YT,
        {
            "query": "n8n",
            "channel_id": CHANNEL_ID,
            "published_after": "2026-11-10T00:00:00Z",
            "order": "viewCount",
            "safe_search": "moderate",
            "max_results": 3,
        },
        oauth(youtube),
    )
    [token, search] = youtube.requests
    assert token.form["grant_type"] == "refresh_token"
    assert search.path == "/youtube/v3/search"
    assert search.headers["authorization"].startswith("Bearer ya29.")
    assert {k: v[-1] for k, v in search.query.items()} == {
        "part": "snippet",
        "type": "video",
        "q": "n8n",
        "channelId": CHANNEL_ID,
        "publishedAfter": "2026-11-10T00:00:00Z",
        "order": "viewCount",
        "safeSearch": "moderate",
        "maxResults": "3",
    }
    assert output["count"] == 1
    assert output["videos"][0]["id"] == {"kind": "youtube#video", "videoId": "vid00000002"}
    assert output["videos"][0]["snippet"]["title"] == "Workflows with n8n"


def test_a_search_without_filters_is_of_the_channels_own_videos(youtube):
    output = run_app(YT, {"operation": "search_videos"}, oauth(youtube))
    assert api_calls(youtube)[0].query["forMine"] == ["true"]
    assert output["count"] == 2


def test_a_playlist_is_read_page_after_page_with_one_token(youtube):
    for n in range(60):
        youtube.add(f"Clip {n}", "2026-10-01T00:00:00Z")
    output = run_app(
        YT,
        {
            "operation": "list_playlist_items",
            "playlist_id": PLAYLIST_ID,
            "parts": "snippet, contentDetails",
            "max_results": 55,
        },
        oauth(youtube),
    )
    calls = api_calls(youtube)
    assert len(youtube.requests) - len(calls) == 1  # one access token for the whole step
    assert [c.query["maxResults"] for c in calls] == [["50"], ["5"]]
    assert calls[1].query["pageToken"] == ["50"]
    assert calls[0].query["part"] == ["snippet,contentDetails"]
    assert output["count"] == 55
    assert output["items"][0]["contentDetails"] == {"videoId": "vid00000001"}
    assert output["items"][54]["snippet"]["position"] == 54


def test_get_video_and_get_channel_output_the_resource(youtube):
    got = run_app(
        YT,
        {"operation": "get_video", "video_id": "vid00000002", "parts": "statistics"},
        oauth(youtube),
    )
    mine = run_app(YT, {"operation": "get_channel", "parts": "statistics"}, oauth(youtube))
    calls = api_calls(youtube)
    assert calls[0].query["id"] == ["vid00000002"] and calls[1].query["mine"] == ["true"]
    assert got == {
        "kind": "youtube#video",
        "id": "vid00000002",
        "statistics": {"viewCount": "2000", "likeCount": "20"},
    }
    assert mine["statistics"]["videoCount"] == "3"
    missing = app_error(YT, {"operation": "get_video", "video_id": "nope"}, oauth(youtube))
    assert missing.message == "YouTube has no video nope (or it is private)."


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "get_video"}, "video_id"),
        ({"operation": "list_playlist_items"}, "playlist_id"),
        ({"operation": "search_videos", "max_results": 501}, "max_results"),
        ({"operation": "search_videos", "order": "newest"}, "order"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_googles_errors_name_the_credential_quote_youtube_or_retry(youtube):
    revoked = app_error(YT, {"operation": "search_videos"}, oauth(youtube, "1//revoked"))
    assert not revoked.retryable
    assert "did not accept the credential “Channel”" in revoked.message
    assert "invalid_grant" in revoked.message
    missing = app_error(
        YT, {"operation": "list_playlist_items", "playlist_id": "PLx"}, oauth(youtube)
    )
    assert missing.message.startswith(
        "YouTube refused playlistItems.list (HTTP 404): playlistNotFound"
    )
    youtube.api_answers.append(
        google_error(403, "PERMISSION_DENIED", "Rate limit exceeded", "rateLimitExceeded")
    )
    limited = app_error(YT, {"operation": "search_videos"}, oauth(youtube))
    assert limited.retryable and "rateLimitExceeded: Rate limit exceeded" in limited.message


def test_the_credential_test_names_the_channel(youtube):
    assert data_api.check(oauth(youtube)) == (
        "YouTube accepted the credential for the channel Ada's channel."
    )
    with pytest.raises(NodeError, match="did not accept the credential “Channel”"):
        data_api.check(oauth(youtube, "1//revoked"))


@pytest.mark.django_db(transaction=True)
def test_a_run_lists_the_playlist_with_the_stored_credential(alice, youtube):
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
    node = {
        "id": "items",
        "type": YT,
        "config": {
            "credential": credential.pk,
            "operation": "list_playlist_items",
            "playlist_id": "{{ trigger.playlist }}",
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"playlist": PLAYLIST_ID})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="items")
    assert step.output is not None and step.output["count"] == 3
    assert REFRESH_TOKEN not in json.dumps([step.input, step.output])
