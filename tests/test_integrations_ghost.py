"""app.ghost against a fake Ghost Admin API (tests/fakes/ghost.py): the signed token, each
operation's request and output, Ghost's errors, the key's test, and a run through the engine
with a stored credential."""

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
from integrations.ghost import admin_api, node
from integrations.ghost.node import Config
from integrations.registry import credential_kind
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.ghost import ADMIN_KEY, KEY_ID, FakeGhost, token_problem
from workfuse.lib.node_run import NodeError, Secret

GH = "app.ghost"


@pytest.fixture
def ghost(settings: Any) -> Iterator[FakeGhost]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeGhost()) as fake:
        yield fake


def key(fake: FakeGhost, value: str = ADMIN_KEY) -> Secret:
    return Secret("ghost", {"admin_api_key": value}, {"base_url": fake.url}, name="Blog")


def test_the_token_is_ghost_s_short_lived_jwt_signed_by_the_secret():
    token = admin_api.token(ADMIN_KEY, now=1_700_000_000)
    header, claims, _ = token.split(".")
    assert token_problem(f"Ghost {token}") is None
    padded = claims + "=" * (-len(claims) % 4)
    assert json.loads(base64.urlsafe_b64decode(padded)) == {
        "iat": 1_700_000_000,
        "exp": 1_700_000_300,
        "aud": "/admin/",
    }
    assert KEY_ID in base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)).decode()
    forged = admin_api.token(f"{KEY_ID}:{'b2' * 32}")
    assert token_problem(f"Ghost {forged}") == "Invalid token: invalid signature"


def test_create_posts_the_html_as_source_and_outputs_the_post(ghost):
    config = {"title": "Running ghost", "content": "<p>Hi</p>", "fields": {"featured": True}}
    output = run_app(GH, config, key(ghost))
    [request] = ghost.requests
    assert (request.method, request.path) == ("POST", "/ghost/api/admin/posts/")
    assert request.query["source"] == ["html"]
    assert request.headers["accept-version"] == "v5.0"
    assert request.json == {
        "posts": [{"featured": True, "title": "Running ghost", "html": "<p>Hi</p>"}]
    }
    assert output["title"] == "Running ghost" and output["html"] == "<p>Hi</p>"
    assert output["status"] == "draft" and output["slug"] == "running-ghost"


def test_update_carries_the_current_updated_at_then_get_list_and_delete(ghost):
    post = run_app(GH, {"title": "One"}, key(ghost))
    run_app(GH, {"title": "Two", "status": "published"}, key(ghost))
    by_id = {"post_id": post["id"]}
    updated = run_app(GH, by_id | {"operation": "update_post", "status": "published"}, key(ghost))
    got = run_app(GH, {"operation": "get_post", "slug": "one"}, key(ghost))
    listed = run_app(
        GH,
        {"operation": "list_posts", "filter": "status:published", "max_results": 1},
        key(ghost),
    )
    deleted = run_app(GH, by_id | {"operation": "delete_post"}, key(ghost))
    assert [(r.method, r.path) for r in ghost.requests[2:]] == [
        ("GET", f"/ghost/api/admin/posts/{post['id']}/"),
        ("PUT", f"/ghost/api/admin/posts/{post['id']}/"),
        ("GET", "/ghost/api/admin/posts/slug/one/"),
        ("GET", "/ghost/api/admin/posts/"),
        ("DELETE", f"/ghost/api/admin/posts/{post['id']}/"),
    ]
    assert ghost.requests[3].json == {
        "posts": [{"status": "published", "updated_at": post["updated_at"]}]
    }
    assert updated["status"] == "published" and updated["updated_at"] != post["updated_at"]
    assert got["id"] == post["id"] and got["status"] == "published"
    assert listed["count"] == 1 and listed["posts"][0]["title"] == "Two"
    assert ghost.requests[5].query["limit"] == ["1"]
    assert deleted == {"success": True} and list(ghost.posts) != [post["id"]]


def test_list_posts_follows_ghost_s_pages(ghost, monkeypatch):
    for n in range(3):
        run_app(GH, {"title": f"Post {n}"}, key(ghost))
    monkeypatch.setattr(node, "PAGE", 2)
    listed = run_app(GH, {"operation": "list_posts", "max_results": 3}, key(ghost))
    assert [p["title"] for p in listed["posts"]] == ["Post 2", "Post 1", "Post 0"]
    assert [r.query["page"] for r in ghost.requests[3:]] == [["1"], ["2"]]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "create_post"}, "title"),
        ({"operation": "update_post", "status": "published"}, "post_id"),
        ({"operation": "get_post"}, "post_id"),
        ({"operation": "delete_post"}, "post_id"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_a_key_not_shaped_as_ghost_s_is_refused_without_quoting_it():
    kind = credential_kind("ghost")
    assert kind is not None
    with pytest.raises(ValidationError) as caught:
        kind.split({"admin_api_key": "not-a-key", "base_url": "https://blog.example.com"})
    [error] = caught.value.errors()
    assert error["loc"] == ("admin_api_key",) and "not-a-key" not in error["msg"]
    secrets, settings = kind.split(
        {"admin_api_key": ADMIN_KEY, "base_url": "https://blog.example.com/"}
    )
    assert secrets == {"admin_api_key": ADMIN_KEY}
    assert settings == {"base_url": "https://blog.example.com"}


def test_ghost_s_errors_are_quoted_and_a_wrong_key_names_the_credential(ghost):
    wrong = key(ghost, f"{KEY_ID}:{'b2' * 32}")
    failed = app_error(GH, {"operation": "get_post", "post_id": "x"}, wrong)
    assert not failed.retryable
    assert failed.message.startswith(
        "Ghost did not accept the credential “Blog” (Invalid token: invalid signature)"
    )
    missing = app_error(GH, {"operation": "delete_post", "post_id": "x"}, key(ghost))
    assert missing.message == "Ghost refused delete_post (HTTP 404): Post not found."


def test_the_key_test_counts_the_posts(ghost):
    run_app(GH, {"title": "One"}, key(ghost))
    assert admin_api.check_key(key(ghost)) == "Connected to Ghost: 1 post(s)."
    with pytest.raises(NodeError, match="did not accept the credential “Blog”"):
        admin_api.check_key(key(ghost, f"{'0' * 24}:{'a1' * 32}"))


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_then_publishes_the_rendered_post(alice, ghost):
    credential = store.create(
        alice, "Blog", "ghost", {"admin_api_key": ADMIN_KEY, "base_url": ghost.url}
    )
    nodes = (
        {
            "id": "draft",
            "type": GH,
            "config": {"credential": credential.pk, "title": "{{ trigger.title }}"},
        },
        {
            "id": "publish",
            "type": GH,
            "config": {
                "credential": credential.pk,
                "operation": "update_post",
                "post_id": "{{ nodes.draft.id }}",
                "status": "published",
            },
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"title": "Hello"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [post] = ghost.posts.values()
    assert (post["title"], post["status"]) == ("Hello", "published")
    step = Step.objects.get(execution=execution, key="publish")
    assert step.output is not None and step.output["status"] == "published"
    stored = json.dumps([s.input for s in execution.steps.all()])
    assert ADMIN_KEY.split(":")[1] not in stored
