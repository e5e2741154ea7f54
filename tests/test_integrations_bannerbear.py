"""app.bannerbear against a fake Bannerbear (tests/fakes/bannerbear.py): an image made from a
template with modifications, waited for or not, read; Bannerbear's errors and the key's
test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from integrations.bannerbear import node, rest_api
from tests.app_nodes import app_error, run_app
from tests.fakes import running
from tests.fakes.bannerbear import KEY, TEMPLATE, FakeBannerbear
from workfuse.lib.node_run import NodeError, Secret

BB = "app.bannerbear"
MODS = [
    {"name": "title", "text": "Hello"},
    {"name": "photo", "image_url": "https://a.b/c.jpg", "text": ""},
]


@pytest.fixture
def bannerbear(settings: Any, monkeypatch) -> Iterator[FakeBannerbear]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    monkeypatch.setattr(node, "POLL_SECONDS", 0)
    with running(FakeBannerbear(renders_after=2)) as fake:
        yield fake


def key(fake: FakeBannerbear, value: str = KEY) -> Secret:
    return Secret("bannerbear", {"api_key": value}, {"base_url": fake.url}, name="Banners")


def test_an_image_is_made_and_waited_for_with_empty_values_left_out(bannerbear):
    config = {"template_id": TEMPLATE, "modifications": MODS, "wait": True, "max_tries": 3}
    image = run_app(BB, config, key(bannerbear))
    assert image["status"] == "completed" and image["image_url"].endswith("img1.png")
    assert bannerbear.requests[0].json == {
        "template": TEMPLATE,
        "modifications": [
            {"name": "title", "text": "Hello"},
            {"name": "photo", "image_url": "https://a.b/c.jpg"},
        ],
    }
    assert [r.method for r in bannerbear.requests] == ["POST", "GET", "GET"]


def test_without_waiting_the_pending_image_is_the_output_and_can_be_read(bannerbear):
    pending = run_app(BB, {"template_id": TEMPLATE}, key(bannerbear))
    assert pending["status"] == "pending"
    got = run_app(BB, {"operation": "get_image", "image_id": pending["uid"]}, key(bannerbear))
    assert got["uid"] == pending["uid"]


def test_an_image_that_does_not_render_in_time_fails_as_in_n8n(bannerbear):
    bannerbear.renders_after = 99
    late = app_error(BB, {"template_id": TEMPLATE, "wait": True, "max_tries": 2}, key(bannerbear))
    assert late.message == "Image did not finish processing after multiple tries."


def test_bannerbear_s_errors_are_quoted_and_a_wrong_key_names_the_credential(bannerbear):
    missing = app_error(BB, {"template_id": "nope"}, key(bannerbear))
    assert missing.message == "Bannerbear refused create_image (HTTP 404): Template Not Found"
    wrong = app_error(BB, {"template_id": TEMPLATE}, key(bannerbear, "old"))
    assert not wrong.retryable and "did not accept the credential “Banners”" in wrong.message


def test_the_key_test_reads_the_project(bannerbear):
    assert rest_api.check_key(key(bannerbear)) == "Connected to Bannerbear: project Social."
    with pytest.raises(NodeError, match="did not accept the credential “Banners”"):
        rest_api.check_key(key(bannerbear, "old"))
