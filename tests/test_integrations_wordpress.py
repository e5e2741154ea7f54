"""app.wordpress against a fake WordPress (tests/fakes/wordpress.py): each operation's request
(method, path, basic auth, body or query) and output, paging by X-WP-TotalPages, WordPress's
errors, the password's test, and a run through the engine with a stored credential."""

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
from integrations.wordpress import rest_api
from integrations.wordpress.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.wordpress import APP_PASSWORD, USERNAME, FakeWordPress
from workfuse.lib.node_run import NodeError, Secret

WP = "app.wordpress"


@pytest.fixture
def wordpress(settings: Any) -> Iterator[FakeWordPress]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeWordPress()) as fake:
        yield fake


def password(fake: FakeWordPress, value: str = APP_PASSWORD) -> Secret:
    return Secret(
        "wordpress",
        {"application_password": value},
        {"username": USERNAME, "base_url": fake.url},
        name="Blog",
    )


def test_create_post_sends_only_the_fields_set_with_basic_auth(wordpress):
    output = run_app(
        WP,
        {"title": "Hello", "content": "<p>Hi</p>", "status": "draft", "categories": [3, 7]},
        password(wordpress),
    )
    [request] = wordpress.requests
    assert (request.method, request.path) == ("POST", "/wp-json/wp/v2/posts")
    pair = base64.b64encode(f"{USERNAME}:{APP_PASSWORD}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {pair}"
    assert request.json == {
        "title": "Hello",
        "content": "<p>Hi</p>",
        "status": "draft",
        "categories": [3, 7],
    }
    assert output["id"] == 101 and output["title"]["raw"] == "Hello"


def test_update_post_posts_to_its_id(wordpress):
    post = wordpress.add(title="Old")
    output = run_app(
        WP,
        {"operation": "update_post", "post_id": str(post["id"]), "categories": "4,5"},
        password(wordpress),
    )
    assert wordpress.requests[0].path == f"/wp-json/wp/v2/posts/{post['id']}"
    assert wordpress.requests[0].json == {"categories": "4,5"}
    assert output["categories"] == [4, 5] and output["title"]["raw"] == "Old"


def test_update_page_and_get_page_use_the_pages_collection(wordpress):
    page = wordpress.add("pages", title="Join")
    run_app(
        WP,
        {"operation": "update_page", "post_id": str(page["id"]), "content": "<p>Moved</p>"},
        password(wordpress),
    )
    output = run_app(
        WP,
        {"operation": "get_page", "post_id": str(page["id"]), "context": "edit"},
        password(wordpress),
    )
    assert [r.path for r in wordpress.requests] == [f"/wp-json/wp/v2/pages/{page['id']}"] * 2
    assert wordpress.requests[1].query == {"context": ["edit"]}
    assert output["content"]["raw"] == "<p>Moved</p>"


def test_list_posts_follows_the_pages_up_to_max_results(wordpress):
    for n in range(130):
        wordpress.add(title=f"Post {n}")
    wordpress.add(title="Draft", status="draft")
    output = run_app(
        WP, {"operation": "list_posts", "max_results": 120, "order": "desc"}, password(wordpress)
    )
    assert output["count"] == 120
    assert output["posts"][0]["title"]["raw"] == "Post 129"
    assert [(r.query["page"], r.query["per_page"]) for r in wordpress.requests] == [
        (["1"], ["100"]),
        (["2"], ["100"]),
    ]
    assert wordpress.requests[0].query["order"] == ["desc"]


def test_list_posts_stops_at_the_last_page(wordpress):
    for n in range(3):
        wordpress.add(title=f"Post {n}", categories=[2] if n else [])
    output = run_app(
        WP, {"operation": "list_posts", "categories": [2], "search": "post"}, password(wordpress)
    )
    assert output["count"] == 2
    assert len(wordpress.requests) == 1
    assert wordpress.requests[0].query["search"] == ["post"]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"content": "x"}, "title"),
        ({"operation": "update_post"}, "post_id"),
        ({"operation": "get_page"}, "post_id"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_a_wrong_password_names_the_credential(wordpress):
    error = app_error(WP, {"title": "x"}, password(wordpress, "nope"))
    assert not error.retryable
    assert error.message.startswith(
        "WordPress did not accept the credential “Blog” (incorrect_password: "
    )


def test_a_missing_post_quotes_wordpress(wordpress):
    error = app_error(WP, {"operation": "get_post", "post_id": "9"}, password(wordpress))
    assert error.message == (
        "WordPress refused get_post (HTTP 404): rest_post_invalid_id: Invalid post ID."
    )


def test_an_html_answer_says_the_address_may_be_wrong(wordpress):
    wordpress.script(Answer(200, "<html>a theme page</html>"))
    error = app_error(WP, {"title": "x"}, password(wordpress))
    assert "not JSON; check that the credential's address is the site's" in error.message


def test_the_password_test_is_users_me(wordpress):
    assert rest_api.check_password(password(wordpress)) == "Connected to WordPress as Ada Editor."
    with pytest.raises(NodeError, match="did not accept the credential “Blog”"):
        rest_api.check_password(password(wordpress, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_drafts_the_rendered_post_with_the_stored_credential(alice, wordpress):
    credential = store.create(
        alice,
        "Blog",
        "wordpress",
        {"application_password": APP_PASSWORD, "username": USERNAME, "base_url": wordpress.url},
    )
    node = {
        "id": "draft",
        "type": WP,
        "config": {
            "credential": credential.pk,
            "title": "{{ trigger.title }}",
            "content": "{{ trigger.body }}",
            "status": "draft",
        },
    }
    execution = engine.start_execution(
        make_workflow(alice, chain(node)), {"title": "Launch", "body": "<p>Soon</p>"}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [post] = wordpress.items["posts"]
    assert post["title"]["raw"] == "Launch" and post["status"] == "draft"
    step = Step.objects.get(execution=execution, key="draft")
    assert step.output["id"] == post["id"]
    assert APP_PASSWORD not in json.dumps([step.input, step.output])
