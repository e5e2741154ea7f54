"""app.medium against a fake Medium API (tests/fakes/medium.py): a post on the profile (after
GET /me) and in a publication, n8n's tag checks, Medium's errors, publications listed, the
token's test, and a run through the engine with a stored credential."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from executions import engine
from integrations.medium import rest_api
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.medium import PUBLICATION, TOKEN, USER, FakeMedium
from workfuse.lib.node_run import Secret

MD = "app.medium"


@pytest.fixture
def medium(settings: Any) -> Iterator[FakeMedium]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeMedium()) as fake:
        yield fake


def token(fake: FakeMedium, value: str = TOKEN) -> Secret:
    return Secret("medium", {"access_token": value}, {"base_url": fake.url}, name="Blog")


def test_a_post_goes_to_the_tokens_user_and_outputs_the_post(medium):
    config = {
        "title": "Hello",
        "content": "# Hi",
        "content_format": "markdown",
        "tags": "n8n, ai",
        "publish_status": "draft",
    }
    post = run_app(MD, config, token(medium))
    me, created = medium.requests
    assert (me.method, me.path) == ("GET", "/v1/me")
    assert (created.method, created.path) == ("POST", f"/v1/users/{USER}/posts")
    assert created.headers["authorization"] == f"Bearer {TOKEN}"
    assert created.json == {
        "tags": ["n8n", "ai"],
        "title": "Hello",
        "contentFormat": "markdown",
        "content": "# Hi",
        "publishStatus": "draft",
    }
    assert post["title"] == "Hello" and post["publishStatus"] == "draft"


def test_a_post_in_a_publication_outputs_mediums_whole_answer_as_n8n_does(medium):
    config = {"title": "Hi", "content": "<p>x</p>", "publication_id": PUBLICATION}
    answer = run_app(MD, config, token(medium))
    [request] = medium.requests
    assert request.path == f"/v1/publications/{PUBLICATION}/posts"
    assert answer["data"]["publicationId"] == PUBLICATION


def test_too_many_or_too_long_tags_fail_before_anything_is_sent(medium):
    many = {"title": "x", "content": "y", "tags": "a,b,c,d,e,f"}
    assert "at most 5" in str(app_error(MD, many, token(medium)))
    long = {"title": "x", "content": "y", "tags": "a" * 26}
    assert "too long" in str(app_error(MD, long, token(medium)))
    assert medium.requests == []


def test_a_wrong_token_names_the_credential_and_quotes_medium(medium):
    message = str(app_error(MD, {"title": "x", "content": "y"}, token(medium, "nope")))
    assert "Token was invalid." in message and "Blog" in message


def test_publications_are_listed_and_the_token_test_names_the_user(medium):
    listed = run_app(MD, {"operation": "list_publications"}, token(medium))
    assert listed == {"publications": [{"id": PUBLICATION, "name": "About Medium"}], "count": 1}
    assert rest_api.check_token(token(medium)) == "Connected to Medium as ada."


@pytest.mark.django_db(transaction=True)
def test_a_workflow_publishes_through_a_stored_credential(alice, medium):
    credential = store.create(
        alice, "Blog", "medium", {"access_token": TOKEN, "base_url": medium.url}
    )
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "config": {}},
            {
                "id": "post",
                "type": MD,
                "config": {
                    "credential": credential.pk,
                    "title": "{{ trigger.title }}",
                    "content": "{{ trigger.text }}",
                    "content_format": "markdown",
                },
            },
        ],
        "edges": [{"source": "start", "target": "post"}],
    }
    execution = engine.start_execution(
        make_workflow(alice, graph), {"title": "Launch", "text": "**now**"}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert medium.posts[0]["title"] == "Launch" and medium.posts[0]["content"] == "**now**"
