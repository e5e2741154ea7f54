"""app.reddit against a fake Reddit (tests/fakes/reddit.py): the token grants, each operation's
request and output, pages of a listing, Reddit's errors, the credential's test, and a run
through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.reddit import api
from integrations.reddit.node import Config
from integrations.registry import credential_kind
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.reddit import CLIENT_ID, CLIENT_SECRET, PASSWORD, USER, FakeReddit
from workfuse.lib.node_run import NodeError, Secret

RD = "app.reddit"


@pytest.fixture
def reddit(settings: Any) -> Iterator[FakeReddit]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeReddit()) as fake:
        fake.add("selfhosted", "n8n on a Pi")
        fake.add("selfhosted", "Backups")
        fake.add("automation", "Why n8n beats cron")
        yield fake


def app(fake: FakeReddit, user: bool = False, password: str = PASSWORD) -> Secret:
    secrets: dict[str, str] = {"client_secret": CLIENT_SECRET}
    settings = {
        "client_id": CLIENT_ID,
        "base_url": fake.url,
        "token_url": fake.url + "/api/v1/access_token",
    }
    if user:
        secrets["password"] = password
        settings["username"] = USER
    return Secret("reddit", secrets, settings, name="Reddit bot")


def test_search_reads_as_the_app_and_outputs_the_posts(reddit):
    output = run_app(RD, {"keyword": "n8n", "sort": "new"}, app(reddit))
    token, search = reddit.requests
    assert token.form == {"grant_type": "client_credentials"}
    assert (search.path, search.headers["authorization"]) == ("/search", "Bearer tok-1")
    assert {k: v[0] for k, v in search.query.items()} == {
        "q": "n8n",
        "type": "link",
        "sort": "new",
        "limit": "100",
        "raw_json": "1",
    }
    assert [p["title"] for p in output["posts"]] == ["Why n8n beats cron", "n8n on a Pi"]
    assert output["count"] == 2


def test_a_search_in_a_subreddit_and_a_listing_page_by_page(reddit):
    for n in range(150):
        reddit.add("bulk", f"post {n}")
    inside = run_app(RD, {"keyword": "n8n", "subreddit": "r/selfhosted"}, app(reddit))
    listed = run_app(
        RD, {"operation": "list_posts", "subreddit": "bulk", "max_results": 120}, app(reddit)
    )
    assert reddit.requests[1].path == "/r/selfhosted/search"
    assert reddit.requests[1].query["restrict_sr"] == ["true"]
    assert [p["title"] for p in inside["posts"]] == ["n8n on a Pi"]
    pages = [r for r in reddit.requests if r.path == "/r/bulk/hot"]
    assert [r.query["limit"] for r in pages] == [["100"], ["20"]]
    assert pages[1].query["after"] == ["t3_p103"]
    assert listed["count"] == 120 and listed["posts"][-1]["title"] == "post 119"


def test_get_create_and_delete_posts_as_the_user(reddit):
    got = run_app(
        RD, {"operation": "get_post", "subreddit": "selfhosted", "post_id": "t3_p2"}, app(reddit)
    )
    made = run_app(
        RD,
        {"operation": "create_post", "subreddit": "test", "title": "Weekly", "text": "All good"},
        app(reddit, user=True),
    )
    deleted = run_app(
        RD, {"operation": "delete_post", "post_id": made["id"]}, app(reddit, user=True)
    )
    assert got["title"] == "Backups"
    submit = next(r for r in reddit.requests if r.path == "/api/submit")
    assert submit.form == {
        "sr": "test",
        "title": "Weekly",
        "kind": "self",
        "api_type": "json",
        "text": "All good",
    }
    assert made["url"].endswith(f"/r/test/comments/{made['id']}/")
    assert deleted == {"success": True}
    assert [p["title"] for p in reddit.posts] == ["n8n on a Pi", "Backups", "Why n8n beats cron"]


def test_posting_needs_a_user_and_reddit_s_refusals_are_quoted(reddit):
    alone = app_error(RD, {"operation": "create_post", "subreddit": "t", "title": "x"}, app(reddit))
    assert alone.message == "create_post needs a Reddit credential with a user name and password."
    wrong = app_error(RD, {"keyword": "n8n"}, app(reddit, user=True, password="old"))
    assert not wrong.retryable
    assert wrong.message.startswith(
        "Reddit did not accept the credential “Reddit bot” (invalid_grant)"
    )
    missing = app_error(
        RD, {"operation": "get_post", "subreddit": "x", "post_id": "zz"}, app(reddit)
    )
    assert missing.message == "Reddit refused get_post (HTTP 404): Not Found"


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "search_posts"}, "keyword"),
        ({"operation": "list_posts"}, "subreddit"),
        ({"operation": "create_post", "subreddit": "t"}, "title"),
        ({"operation": "delete_post"}, "post_id"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_the_credential_takes_a_user_whole_or_not_at_all():
    kind = credential_kind("reddit")
    assert kind is not None
    with pytest.raises(ValidationError, match="user name and the password together"):
        kind.split({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "username": USER})
    secrets, _ = kind.split({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
    assert secrets == {"client_secret": CLIENT_SECRET}


def test_the_credential_test_names_the_user_or_the_app(reddit):
    assert api.check(app(reddit, user=True)) == f"Connected to Reddit as u/{USER}."
    assert api.check(app(reddit)).startswith("Connected to Reddit as the app")
    with pytest.raises(NodeError, match="did not accept the credential “Reddit bot”"):
        api.check(app(reddit, user=True, password="old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_searches_for_the_rendered_keyword(alice, reddit):
    value = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "base_url": reddit.url,
        "token_url": reddit.url + "/api/v1/access_token",
    }
    credential = store.create(alice, "Reddit bot", "reddit", value)
    config = {"credential": credential.pk, "keyword": "{{ trigger.topic }}"}
    graph = chain({"id": "search", "type": RD, "config": config})
    execution = engine.start_execution(make_workflow(alice, graph), {"topic": "cron"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="search")
    assert step.output is not None and step.output["posts"][0]["title"] == "Why n8n beats cron"
    assert CLIENT_SECRET not in json.dumps([s.input for s in execution.steps.all()])
