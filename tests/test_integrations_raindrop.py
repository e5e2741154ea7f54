"""app.raindrop against a fake Raindrop.io API (tests/fakes/raindrop.py): a bookmark created with
n8n's fields, read and deleted, Raindrop's errors and the token's test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from integrations.raindrop import rest_api
from integrations.raindrop.node import Config
from tests.app_nodes import app_error, run_app
from tests.fakes import running
from tests.fakes.raindrop import TOKEN, FakeRaindrop
from workfuse.lib.node_run import NodeError, Secret

RD = "app.raindrop"


@pytest.fixture
def raindrop(settings: Any) -> Iterator[FakeRaindrop]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeRaindrop()) as fake:
        yield fake


def token(fake: FakeRaindrop, value: str = TOKEN) -> Secret:
    return Secret("raindrop", {"access_token": value}, {"base_url": fake.url}, name="Drops")


def test_a_bookmark_is_created_read_and_deleted(raindrop):
    config = {
        "link": "https://example.com/a",
        "collection_id": 42,
        "title": "A",
        "tags": ["youtube", "talks, video"],
        "important": True,
        "parse": True,
    }
    created = run_app(RD, config, token(raindrop))
    assert raindrop.requests[0].json == {
        "link": "https://example.com/a",
        "collection": {"$id": 42},
        "title": "A",
        "tags": ["youtube", "talks", "video"],
        "important": True,
        "pleaseParse": {},
    }
    by_id = {"bookmark_id": created["_id"]}
    got = run_app(RD, by_id | {"operation": "get_bookmark"}, token(raindrop))
    deleted = run_app(RD, by_id | {"operation": "delete_bookmark"}, token(raindrop))
    assert got["title"] == "A" and deleted == {"result": True} and raindrop.bookmarks == {}


def test_each_operation_names_the_fields_it_needs():
    for config, field in (({}, "link"), ({"operation": "get_bookmark"}, "bookmark_id")):
        with pytest.raises(ValidationError) as caught:
            Config.model_validate(config)
        assert caught.value.errors()[0]["loc"] == (field,)


def test_raindrop_s_errors_are_quoted_and_a_wrong_token_names_the_credential(raindrop):
    refused = app_error(RD, {"link": "notalink"}, token(raindrop))
    assert refused.message == "Raindrop.io refused create_bookmark (HTTP 400): Link is not valid"
    wrong = app_error(RD, {"link": "https://a.b"}, token(raindrop, "old"))
    assert not wrong.retryable and "did not accept the credential “Drops”" in wrong.message


def test_the_token_test_reads_the_user(raindrop):
    assert rest_api.check_token(token(raindrop)) == "Connected to Raindrop.io as Ada."
    with pytest.raises(NodeError, match="did not accept the credential “Drops”"):
        rest_api.check_token(token(raindrop, "old"))
