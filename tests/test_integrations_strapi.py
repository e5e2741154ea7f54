"""app.strapi against a fake Strapi (tests/fakes/strapi.py): entries created, updated, read and
deleted on API v4 and v3, lists filtered, sorted, with drafts and across pages, Strapi's
errors, the token's test, and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.strapi import rest_api
from integrations.strapi.node import Config, brackets
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.strapi import TOKEN, FakeStrapi
from workfuse.lib.node_run import NodeError, Secret

ST = "app.strapi"


@pytest.fixture
def cms(settings: Any) -> Iterator[FakeStrapi]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeStrapi()) as fake:
        yield fake


def token(fake: FakeStrapi, version: str = "v4", value: str = TOKEN) -> Secret:
    return Secret(
        "strapi", {"api_token": value}, {"base_url": fake.url, "api_version": version}, name="CMS"
    )


def test_a_v4_entry_is_created_updated_read_and_deleted_with_n8ns_outputs(cms):
    posts = {"content_type": "posts"}
    created = run_app(ST, {**posts, "data": {"Content": "Hi", "Author": "Ada"}}, token(cms))
    entry = str(created["data"]["id"])
    assert created["data"]["attributes"]["Content"] == "Hi" and "meta" in created
    updated = run_app(
        ST,
        {**posts, "operation": "update_entry", "entry_id": entry, "data": '{"Content": "Bye"}'},
        token(cms),
    )
    got = run_app(ST, {**posts, "operation": "get_entry", "entry_id": entry}, token(cms))
    deleted = run_app(ST, {**posts, "operation": "delete_entry", "entry_id": entry}, token(cms))
    assert [(r.method, r.path) for r in cms.requests] == [
        ("POST", "/api/posts"),
        ("PUT", f"/api/posts/{entry}"),
        ("GET", f"/api/posts/{entry}"),
        ("DELETE", f"/api/posts/{entry}"),
    ]
    assert cms.requests[0].json == {"data": {"Content": "Hi", "Author": "Ada"}}
    assert cms.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert updated["attributes"]["Content"] == got["attributes"]["Content"] == "Bye"
    assert deleted["data"]["id"] == created["data"]["id"] and cms.entries["posts"] == []


def test_a_v3_entry_is_sent_and_answered_bare_at_the_root(cms):
    created = run_app(ST, {"content_type": "posts", "data": {"title": "Hi"}}, token(cms, "v3"))
    assert (cms.requests[0].path, cms.requests[0].json) == ("/posts", {"title": "Hi"})
    assert created["title"] == "Hi" and "attributes" not in created


def test_lists_filter_sort_show_drafts_and_read_every_page(cms):
    for n in range(250):
        cms.add("testimonials", rank=f"{n:03d}", tag="n8n" if n % 2 else "other")
    cms.add("testimonials", published=False, rank="999", tag="n8n")
    listed = run_app(
        ST,
        {
            "operation": "list_entries",
            "content_type": "testimonials",
            "filters": {"tag": {"$eq": "n8n"}},
            "sort": ["rank:desc"],
            "publication_state": "preview",
            "max_results": 500,
        },
        token(cms),
    )
    first = cms.requests[0].query
    assert first["filters[tag][$eq]"] == ["n8n"] and first["sort[0]"] == ["rank:desc"]
    assert first["publicationState"] == ["preview"] and first["pagination[pageSize]"] == ["100"]
    assert cms.requests[1].query["pagination[page]"] == ["2"] and len(cms.requests) == 2
    assert listed["count"] == 126 and listed["entries"][0]["attributes"]["rank"] == "999"
    live = run_app(
        ST,
        {"operation": "list_entries", "content_type": "testimonials", "max_results": 3},
        token(cms),
    )
    assert live["count"] == 3 and all(e["attributes"]["publishedAt"] for e in live["entries"])


def test_v3_lists_use_start_limit_and_where(cms):
    for n in range(5):
        cms.add("posts", title=f"Post {n}")
    listed = run_app(
        ST,
        {"operation": "list_entries", "content_type": "posts", "filters": {"title": "Post 3"}},
        token(cms, "v3"),
    )
    assert cms.requests[0].query == {
        "_where[title]": ["Post 3"],
        "_start": ["0"],
        "_limit": ["100"],
    }
    assert [e["title"] for e in listed["entries"]] == ["Post 3"]


def test_nested_filters_become_strapis_bracket_parameters():
    assert brackets("filters", {"$or": [{"a": {"$eq": 1}}, {"b": True}]}) == {
        "filters[$or][0][a][$eq]": "1",
        "filters[$or][1][b]": "true",
    }


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"data": {"a": 1}}, "content_type"),
        ({"content_type": "posts"}, "data"),
        ({"operation": "get_entry", "content_type": "posts"}, "entry_id"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_a_wrong_token_names_the_credential_and_other_refusals_quote_strapi(cms):
    cms.add("posts", title="x")
    failed = app_error(
        ST,
        {"operation": "get_entry", "content_type": "posts", "entry_id": "1"},
        token(cms, value="old"),
    )
    assert not failed.retryable
    assert failed.message.startswith(
        "Strapi did not accept the credential “CMS” (UnauthorizedError: Missing or invalid"
    )
    missing = app_error(
        ST, {"operation": "get_entry", "content_type": "posts", "entry_id": "99"}, token(cms)
    )
    assert missing.message == "Strapi refused get_entry (HTTP 404): NotFoundError: Not Found"
    v3 = app_error(
        ST, {"operation": "get_entry", "content_type": "posts", "entry_id": "99"}, token(cms, "v3")
    )
    assert v3.message == "Strapi refused get_entry (HTTP 404): NotFoundError: Not Found"


def test_the_token_test_reads_the_users(cms):
    assert rest_api.check_token(token(cms)) == f"Connected to Strapi at {cms.url} (API v4)."
    assert cms.requests[0].path == "/api/users"
    with pytest.raises(NodeError, match="did not accept the credential “CMS”"):
        rest_api.check_token(token(cms, value="old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_the_rendered_entry_with_the_stored_credential(alice, cms):
    credential = store.create(alice, "CMS", "strapi", {"api_token": TOKEN, "base_url": cms.url})
    node = {
        "id": "post",
        "type": ST,
        "config": {
            "credential": credential.pk,
            "content_type": "posts",
            "data": {"Content": "{{ trigger.text }}"},
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"text": "Great tool"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [post] = cms.entries["posts"]
    assert post["Content"] == "Great tool"
    step = Step.objects.get(execution=execution, key="post")
    assert step.output is not None and step.output["data"]["id"] == post["id"]
    assert TOKEN not in json.dumps([step.input, step.output])
