"""Importing n8n's Reddit node (editor/n8n/apps_reddit.py) onto `app.reddit`: the config each
operation becomes (from the corpus's own settings), the refusals, and the corpus's search of
all of Reddit feeding a Set node, one item per post, run in the engine against the fake
Reddit."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.reddit import CLIENT_ID, CLIENT_SECRET, FakeReddit
from tests.test_n8n_apps import converted, refusal, single, spec_items

# From awesome/Instagram_Twitter_Social_Media__Reddit AI digest.
SEARCH = {
    "keyword": "n8n",
    "location": "allReddit",
    "operation": "search",
    "additionalFields": {"sort": "new"},
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            SEARCH,
            {"operation": "search_posts", "keyword": "n8n", "sort": "new", "max_results": 100},
        ),
        (
            {"keyword": "n8n", "subreddit": "selfhosted", "operation": "search", "returnAll": True},
            {
                "operation": "search_posts",
                "keyword": "n8n",
                "subreddit": "selfhosted",
                "max_results": 1000,
            },
        ),
        (
            {
                "operation": "getAll",
                "subreddit": "selfhosted",
                "limit": 5,
                "filters": {"category": "top"},
            },
            {
                "operation": "list_posts",
                "subreddit": "selfhosted",
                "category": "top",
                "max_results": 5,
            },
        ),
        (
            {"operation": "get", "subreddit": "selfhosted", "postId": "p1"},
            {"operation": "get_post", "subreddit": "selfhosted", "post_id": "p1"},
        ),
        (
            {"subreddit": "test", "title": "Hi", "text": "Body"},
            {
                "operation": "create_post",
                "subreddit": "test",
                "title": "Hi",
                "kind": "self",
                "text": "Body",
            },
        ),
        (
            {"operation": "delete", "postId": "p1"},
            {"operation": "delete_post", "post_id": "p1"},
        ),
    ],
)
def test_each_operation_becomes_its_reddit_config(params, config):
    node = converted("reddit", params)
    assert node["type"] == "app.reddit"
    assert node["config"] == config
    assert "choose a Reddit credential (a Reddit app, with a user to post)" in node["notes"]


def test_searches_and_listings_emit_one_item_per_post():
    assert spec_items("reddit", SEARCH, 1) == "posts"
    assert spec_items("reddit", {"operation": "getAll", "subreddit": "a"}, 1) == "posts"
    assert spec_items("reddit", {"operation": "get", "subreddit": "a", "postId": "b"}, 1) is None


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "profile", "operation": "get"}, "does 'profile / get'"),
        ({"subreddit": "t", "title": "x", "kind": "image"}, "of kind image"),
        ({"keyword": "n8n", "operation": "search"}, "names no subreddit"),
    ],
)
def test_what_the_reddit_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("reddit", params)
    assert "'App' (n8n-nodes-base.reddit)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_search_feeds_one_item_per_post(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("reddit", SEARCH, name="Reddit")
    data["nodes"].append(
        {
            "parameters": {
                "options": {},
                "assignments": {
                    "assignments": [
                        {
                            "id": "t",
                            "name": "headline",
                            "type": "string",
                            "value": "={{ $json.title }}",
                        }
                    ]
                },
            },
            "name": "Set",
            "type": "n8n-nodes-base.set",
            "typeVersion": 3.3,
            "position": [400, 0],
        }
    )
    data["connections"]["Reddit"] = {"main": [[{"node": "Set", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeReddit()) as reddit:
        reddit.add("selfhosted", "n8n on a Pi")
        reddit.add("automation", "n8n vs cron")
        value = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "base_url": reddit.url,
            "token_url": reddit.url + "/api/v1/access_token",
        }
        credential = store.create(alice, "Reddit", "reddit", value)
        for node in graph["nodes"]:
            if node["type"] == "app.reddit":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    set_id = next(n["id"] for n in graph["nodes"] if n["label"] == "Set")
    outputs = [
        s.output for s in Step.objects.filter(execution=execution, node_id=set_id).order_by("key")
    ]
    headlines = sorted(o["result"]["headline"] for o in outputs if o is not None)
    assert headlines == ["n8n on a Pi", "n8n vs cron"]
