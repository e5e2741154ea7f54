"""app.storyblok against a fake Storyblok Management API (tests/fakes/storyblok.py): each
operation's request and output, paging, Storyblok's errors, the token's test, and a run through
the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.storyblok import management_api, node
from integrations.storyblok.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.storyblok import SPACE, TOKEN, FakeStoryblok
from workfuse.lib.node_run import NodeError, Secret

SB = "app.storyblok"


@pytest.fixture
def storyblok(settings: Any) -> Iterator[FakeStoryblok]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeStoryblok()) as fake:
        yield fake


def token(fake: FakeStoryblok, value: str = TOKEN) -> Secret:
    return Secret("storyblok", {"access_token": value}, {"base_url": fake.url}, name="CMS")


def test_list_pages_through_the_stories_under_a_prefix(storyblok, monkeypatch):
    monkeypatch.setattr(node, "PAGE", 2)
    for slug in ("release/1", "blog/a", "release/2", "release/3"):
        storyblok.add(slug)
    config = {"space_id": SPACE, "starts_with": "release", "max_results": 5}
    output = run_app(SB, config, token(storyblok))
    assert [s["full_slug"] for s in output["stories"]] == ["release/1", "release/2", "release/3"]
    assert output["count"] == 3
    first = storyblok.requests[0]
    assert (first.path, first.headers["authorization"]) == (f"/v1/spaces/{SPACE}/stories", TOKEN)
    assert [r.query["page"] for r in storyblok.requests] == [["1"], ["2"]]
    assert first.query["starts_with"] == ["release"]


def test_publish_unpublish_get_and_delete_a_story(storyblok):
    story = str(storyblok.add("release/1")["id"])
    by_id = {"space_id": SPACE, "story_id": story}
    published = run_app(
        SB, by_id | {"operation": "publish_story", "language": "de"}, token(storyblok)
    )
    unpublished = run_app(SB, by_id | {"operation": "unpublish_story"}, token(storyblok))
    got = run_app(SB, by_id | {"operation": "get_story"}, token(storyblok))
    deleted = run_app(SB, by_id | {"operation": "delete_story"}, token(storyblok))
    assert [(r.method, r.path) for r in storyblok.requests] == [
        ("GET", f"/v1/spaces/{SPACE}/stories/{story}/publish"),
        ("GET", f"/v1/spaces/{SPACE}/stories/{story}/unpublish"),
        ("GET", f"/v1/spaces/{SPACE}/stories/{story}"),
        ("DELETE", f"/v1/spaces/{SPACE}/stories/{story}"),
    ]
    assert storyblok.requests[0].query == {"lang": ["de"]}
    assert published["published"] is True and unpublished["published"] is False
    assert got["full_slug"] == "release/1" and deleted["id"] == int(story)
    assert storyblok.stories == {}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "list_stories"}, "space_id"),
        ({"operation": "publish_story", "space_id": SPACE}, "story_id"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_storyblok_s_errors_are_quoted_and_a_wrong_token_names_the_credential(storyblok):
    missing = app_error(
        SB, {"operation": "get_story", "space_id": SPACE, "story_id": "9"}, token(storyblok)
    )
    assert (
        missing.message == "Storyblok refused get_story (HTTP 404): This record could not be found"
    )
    wrong = app_error(SB, {"space_id": SPACE}, token(storyblok, "old"))
    assert not wrong.retryable
    assert wrong.message.startswith("Storyblok did not accept the credential “CMS” (Unauthorized)")


def test_the_token_test_reads_the_spaces(storyblok):
    assert management_api.check_token(token(storyblok)) == "Connected to Storyblok: 1 space(s)."
    with pytest.raises(NodeError, match="did not accept the credential “CMS”"):
        management_api.check_token(token(storyblok, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_publishes_the_rendered_story(alice, storyblok):
    story = storyblok.add("release/1")
    credential = store.create(
        alice, "CMS", "storyblok", {"access_token": TOKEN, "base_url": storyblok.url}
    )
    nodes = (
        {
            "id": "publish",
            "type": SB,
            "config": {
                "credential": credential.pk,
                "operation": "publish_story",
                "space_id": SPACE,
                "story_id": "{{ trigger.story }}",
            },
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"story": story["id"]})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert story["published"] is True
    assert TOKEN not in json.dumps([s.input for s in execution.steps.all()])
