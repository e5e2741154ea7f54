"""Importing n8n's X (Twitter) node, v1 and v2 (editor/n8n/apps_twitter.py), onto
`app.twitter`: the config each supported operation becomes (from the corpus's own settings),
v1's API v1.1 field names read through aliases, the refusals, where a search's tweets lie, and
an imported workflow run in the engine against the fake X."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.twitter import ACCESS_TOKEN, ME, FakeX
from tests.test_n8n_apps import converted, refusal, single, spec_items

RL = {"__rl": True, "mode": "id"}


@pytest.mark.parametrize(
    ("version", "params", "config"),
    [
        (
            2,
            {"text": "={{ $json.message.content }}", "additionalFields": {}},
            {"operation": "create_tweet", "text": "{{ trigger.message.content }}"},
        ),
        (
            2,
            {
                "text": "Thanks",
                "additionalFields": {
                    "inReplyToStatusId": {**RL, "value": "1187836157394112513"},
                    "inQuoteToStatusId": {
                        "__rl": True,
                        "mode": "url",
                        "value": "https://x.com/a/status/9",
                    },
                },
            },
            {
                "operation": "create_tweet",
                "text": "Thanks",
                "reply_to": "1187836157394112513",
                "quote": "https://x.com/a/status/9",
            },
        ),
        (
            1,
            {"text": '=Visit my {{$json["vendor"]}} shop', "additionalFields": {}},
            {"operation": "create_tweet", "text": "Visit my {{ trigger.vendor | n8n_text }} shop"},
        ),
        (
            1,
            {
                "limit": 3,
                "operation": "search",
                "searchText": "=#OnThisDay",
                "additionalFields": {"lang": "en", "tweetMode": "extended", "resultType": "recent"},
            },
            {"operation": "search_tweets", "query": "#OnThisDay lang:en", "max_results": 3},
        ),
        (
            1,
            {
                "operation": "search",
                "searchText": "n8n",
                "additionalFields": {"until": "2026-12-01"},
            },
            {
                "operation": "search_tweets",
                "query": "n8n",
                "max_results": 50,
                "end_time": "2026-12-01T00:00:00Z",
            },
        ),
        (
            2,
            {
                "operation": "search",
                "searchText": "n8n",
                "returnAll": True,
                "additionalFields": {"sortOrder": "relevant", "tweetFieldsObject": ["created_at"]},
            },
            {
                "operation": "search_tweets",
                "query": "n8n",
                "max_results": 1000,
                "sort_order": "relevancy",
                "tweet_fields": "created_at",
            },
        ),
        (
            2,
            {"operation": "delete", "tweetDeleteId": {**RL, "value": "42"}},
            {"operation": "delete_tweet", "tweet_id": "42"},
        ),
        (1, {"operation": "like", "tweetId": "42"}, {"operation": "like_tweet", "tweet_id": "42"}),
        (
            2,
            {"operation": "retweet", "tweetId": {**RL, "value": "={{ $json.id }}"}},
            {"operation": "retweet", "tweet_id": "{{ trigger.id }}"},
        ),
        (
            2,
            {"resource": "user", "user": {"__rl": True, "mode": "username", "value": "n8n_io"}},
            {"operation": "get_user", "username": "n8n_io"},
        ),
        (2, {"resource": "user", "me": True}, {"operation": "get_user"}),
    ],
)
def test_each_operation_becomes_its_twitter_config(version, params, config):
    node = converted("twitter", params, version)
    assert node["type"] == "app.twitter"
    assert node["config"] == config
    assert "choose a Twitter (X) credential" in node["notes"]


def test_a_v1_node_says_it_now_speaks_api_v2():
    notes = converted("twitter", {"text": "x"}, 1)["notes"]
    assert "API v1.1" in notes


@pytest.mark.parametrize(
    ("version", "params", "said"),
    [
        (2, {"resource": "directMessage", "text": "x"}, "does 'directMessage / create'"),
        (2, {"resource": "list"}, "does 'list / add', which WorkFuse's X (Twitter) node does not"),
        (2, {"additionalFields": {}}, "has no text; write the tweet's Text in n8n."),
        (
            2,
            {"text": "x", "additionalFields": {"attachments": "data"}},
            "sets the option(s) attachments, which WorkFuse's X node does not send",
        ),
        (
            1,
            {
                "operation": "search",
                "searchText": "x",
                "additionalFields": {"locationFieldsUi": {"a": 1}},
            },
            "sets the option(s) locationfieldsui",
        ),
        (2, {"operation": "like", "tweetId": {**RL, "value": ""}}, "names no tweet (tweetId)"),
    ],
)
def test_what_the_x_node_lacks_is_refused_naming_node_and_construct(version, params, said):
    message = refusal("twitter", params, version)
    assert "'App' (n8n-nodes-base.twitter)" in message
    assert said in message


def test_a_search_says_where_its_tweets_lie():
    assert spec_items("twitter", {"operation": "search", "searchText": "x"}, 2) == "tweets"
    assert spec_items("twitter", {"text": "x"}, 2) is None


def test_a_v1_tweets_id_str_reads_the_v2_id():
    data = single("twitter", {"text": "hello"}, 1)
    data["nodes"].append(
        {
            "parameters": {"operation": "like", "tweetId": "={{ $json.id_str }}"},
            "name": "Like",
            "type": "n8n-nodes-base.twitter",
            "typeVersion": 1,
            "position": [480, 0],
        }
    )
    data["connections"]["App"] = {"main": [[{"node": "Like", "type": "main", "index": 0}]]}
    graph = convert(data)
    like = next(n for n in graph["nodes"] if n["label"] == "Like")
    app = next(n for n in graph["nodes"] if n["label"] == "App")
    assert like["config"]["tweet_id"] == f"{{{{ nodes.{app['id']}.id }}}}"


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_likes_each_tweet_a_search_finds(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("twitter", {"operation": "search", "searchText": "n8n", "limit": 5}, 2)
    data["nodes"].append(
        {
            "parameters": {"operation": "like", "tweetId": {**RL, "value": "={{ $json.id }}"}},
            "name": "Like",
            "type": "n8n-nodes-base.twitter",
            "typeVersion": 2,
            "position": [480, 0],
        }
    )
    data["connections"]["App"] = {"main": [[{"node": "Like", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeX()) as x:
        first, second = x.add("n8n one"), x.add("n8n two")
        x.add("other")
        credential = store.create(
            alice, "Brand", "twitter", {"access_token": ACCESS_TOKEN, "base_url": x.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.twitter":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        liked = sorted(x.likes)
    assert liked == sorted([(ME["id"], first["id"]), (ME["id"], second["id"])])
