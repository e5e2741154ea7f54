"""app.twitter against a fake X API v2 (tests/fakes/twitter.py): each operation's request
(method, path, bearer token, body or query) and output, search's pages within X's 10..100
bounds, X's errors (401, 403 duplicate, 200 with errors, 429's reset time), the token's test,
and a run through the engine with a stored credential."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.twitter import x_api
from integrations.twitter.node import Config, tweet_id
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.twitter import ACCESS_TOKEN, ME, FakeX
from workfuse.lib.node_run import NodeError, Secret

TW = "app.twitter"


@pytest.fixture
def x(settings: Any) -> Iterator[FakeX]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeX()) as fake:
        yield fake


def token(fake: FakeX, value: str = ACCESS_TOKEN) -> Secret:
    return Secret("twitter", {"access_token": value}, {"base_url": fake.url}, name="Brand")


def test_create_tweet_replies_and_quotes_by_id_or_url(x):
    output = run_app(
        TW,
        {
            "text": "Thanks!",
            "reply_to": "https://x.com/someone/status/1187836157394112513",
            "quote": "1187836157394112999",
        },
        token(x),
    )
    [request] = x.requests
    assert (request.method, request.path) == ("POST", "/2/tweets")
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.json == {
        "text": "Thanks!",
        "reply": {"in_reply_to_tweet_id": "1187836157394112513"},
        "quote_tweet_id": "1187836157394112999",
    }
    assert output == {
        "id": x.tweets[0]["id"],
        "text": "Thanks!",
        "edit_history_tweet_ids": [x.tweets[0]["id"]],
    }


def test_like_and_retweet_act_as_the_tokens_user_and_delete_removes(x):
    tweet = x.add("Hello")
    liked = run_app(TW, {"operation": "like_tweet", "tweet_id": tweet["id"]}, token(x))
    url = f"https://twitter.com/ada/status/{tweet['id']}"
    retweeted = run_app(TW, {"operation": "retweet", "tweet_id": url}, token(x))
    deleted = run_app(TW, {"operation": "delete_tweet", "tweet_id": tweet["id"]}, token(x))
    assert [(r.method, r.path) for r in x.requests] == [
        ("GET", "/2/users/me"),
        ("POST", f"/2/users/{ME['id']}/likes"),
        ("GET", "/2/users/me"),
        ("POST", f"/2/users/{ME['id']}/retweets"),
        ("DELETE", f"/2/tweets/{tweet['id']}"),
    ]
    assert (liked, retweeted, deleted) == ({"liked": True}, {"retweeted": True}, {"deleted": True})
    assert x.likes == x.retweets == [(ME["id"], tweet["id"])]
    assert x.tweets == []


def test_search_pages_within_xs_bounds_and_keeps_max_results(x):
    for n in range(110):
        x.add(f"n8n tip {n}", created_at="2026-12-01T00:00:00.000Z")
    x.add("unrelated")
    output = run_app(
        TW,
        {
            "operation": "search_tweets",
            "query": "n8n tip",
            "max_results": 105,
            "sort_order": "recency",
            "tweet_fields": "created_at, author_id",
        },
        token(x),
    )
    sizes = [r.query["max_results"] for r in x.requests]
    assert sizes == [["100"], ["10"]]  # the second page asks for X's minimum and is cut
    assert x.requests[0].query["tweet.fields"] == ["created_at,author_id"]
    assert x.requests[0].query["sort_order"] == ["recency"]
    assert x.requests[1].query["next_token"] == ["100"]
    assert output["count"] == 105 and output["tweets"][0]["text"] == "n8n tip 109"
    assert output["tweets"][0]["created_at"] == "2026-12-01T00:00:00.000Z"


def test_a_search_that_finds_nothing_outputs_an_empty_list(x):
    output = run_app(
        TW, {"operation": "search_tweets", "query": "nothing", "max_results": 3}, token(x)
    )
    assert x.requests[0].query["max_results"] == ["10"]
    assert output == {"tweets": [], "count": 0}


def test_get_user_by_username_id_or_the_tokens_own(x):
    by_name = run_app(TW, {"operation": "get_user", "username": "@X"}, token(x))
    by_id = run_app(TW, {"operation": "get_user", "user_id": "783214"}, token(x))
    me = run_app(TW, {"operation": "get_user"}, token(x))
    assert [r.path for r in x.requests] == [
        "/2/users/by/username/X",
        "/2/users/783214",
        "/2/users/me",
    ]
    assert by_name == by_id == {"id": "783214", "name": "X", "username": "X"}
    assert me == ME
    missing = app_error(TW, {"operation": "get_user", "username": "nobody"}, token(x))
    assert missing.message == "X refused get_user: Could not find user with username: [nobody]."


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({}, "text"),
        ({"operation": "delete_tweet"}, "tweet_id"),
        ({"operation": "search_tweets"}, "query"),
        ({"operation": "search_tweets", "query": "q", "max_results": 0}, "max_results"),
        ({"operation": "search_tweets", "query": "q", "sort_order": "best"}, "sort_order"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_a_tweet_id_that_is_neither_id_nor_url_is_refused_before_any_call(x):
    error = app_error(TW, {"operation": "like_tweet", "tweet_id": "hello"}, token(x))
    assert "tweet ID field must be a tweet's numeric id or URL" in error.message
    assert x.requests == []
    assert tweet_id(" https://mobile.twitter.com/a/status/42?s=20 ") == "42"


def test_xs_errors_name_the_credential_or_quote_x(x):
    error = app_error(TW, {"text": "hi"}, token(x, "expired"))
    assert not error.retryable
    assert error.message.startswith("X did not accept the credential “Brand” (Unauthorized)")
    x.add("Same")
    duplicate = app_error(TW, {"text": "Same"}, token(x))
    assert duplicate.message == (
        "X refused create_tweet (HTTP 403): You are not allowed to create a Tweet with "
        "duplicate content."
    )


def test_a_rate_limit_waits_until_xs_reset_time(x):
    reset = int(time.time()) + 120
    x.script(
        Answer(
            429,
            {"title": "Too Many Requests", "detail": "Too Many Requests"},
            {"x-rate-limit-reset": str(reset)},
        )
    )
    error = app_error(TW, {"text": "hi"}, token(x))
    assert error.retryable and error.retry_after is not None
    assert 100 <= error.retry_after <= 121


def test_the_token_test_names_the_user(x):
    assert x_api.check_token(token(x)) == "Connected to X as @ada."
    with pytest.raises(NodeError, match="did not accept the credential “Brand”"):
        x_api.check_token(token(x, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_tweets_the_rendered_text_with_the_stored_credential(alice, x):
    credential = store.create(
        alice, "Brand", "twitter", {"access_token": ACCESS_TOKEN, "base_url": x.url}
    )
    node = {
        "id": "tweet",
        "type": TW,
        "config": {"credential": credential.pk, "text": "Release {{ trigger.version }} is out"},
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"version": "2.1"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [tweet] = x.tweets
    assert tweet["text"] == "Release 2.1 is out"
    step = Step.objects.get(execution=execution, key="tweet")
    assert step.output is not None and step.output["id"] == tweet["id"]
    assert ACCESS_TOKEN not in json.dumps([step.input, step.output])
