"""app.notion against a fake Notion (tests/fakes/notion.py): each operation's request (method,
path, auth and Notion-Version, body) and output, the title shortcut, Notion's errors and rate
limits, the token's test, and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.notion import rest_api
from integrations.notion.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.notion import DATABASE, PAGE, TOKEN, FakeNotion
from workfuse.lib.node_run import NodeError, Secret

NOTION = "app.notion"


@pytest.fixture
def notion(settings: Any) -> Iterator[FakeNotion]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeNotion()) as fake:
        yield fake


def token(fake: FakeNotion, value: str = TOKEN) -> Secret:
    return Secret("notion", {"token": value}, {"base_url": fake.url}, name="Acme Notion")


def assert_notion_headers(request: Any) -> None:
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["notion-version"] == "2022-06-28"
    assert request.headers["content-type"].startswith("application/json")


def test_create_page_in_a_database_fills_the_title_column(notion):
    children = [{"object": "block", "type": "paragraph", "paragraph": {"rich_text": []}}]
    output = run_app(
        NOTION,
        {
            "parent_id": f"https://www.notion.so/acme/Tasks-{DATABASE}?v=1",
            "title": "Call Ada",
            "properties": json.dumps({"Status": {"select": {"name": "Open"}}}),
            "children": children,
        },
        token(notion),
    )

    [request] = notion.requests
    assert (request.method, request.path) == ("POST", "/v1/pages")
    assert_notion_headers(request)
    assert request.json == {
        "parent": {"database_id": DATABASE},
        "properties": {
            "Status": {"select": {"name": "Open"}},
            "Name": {"title": [{"type": "text", "text": {"content": "Call Ada"}}]},
        },
        "children": children,
    }
    assert output["object"] == "page" and output["url"].startswith("https://www.notion.so/")
    assert notion.pages[0]["_children"] == children


def test_create_page_under_a_page_uses_its_title_property(notion):
    run_app(
        NOTION,
        {"parent_type": "page", "parent_id": PAGE, "title": "Minutes", "title_property": "Task"},
        token(notion),
    )
    assert notion.requests[0].json == {
        "parent": {"page_id": PAGE},
        "properties": {"title": {"title": [{"type": "text", "text": {"content": "Minutes"}}]}},
    }


def test_query_database_sends_filter_sorts_and_paging(notion):
    for n in range(5):
        notion.add_row(f"task {n}", "Open" if n != 2 else "Done")
    query = {
        "operation": "query_database",
        "database_id": DATABASE,
        "filter": {"property": "Status", "select": {"equals": "Open"}},
        "sorts": '[{"property": "Due", "direction": "ascending"}]',
        "page_size": 3,
    }

    first = run_app(NOTION, query, token(notion))
    second = run_app(NOTION, {**query, "start_cursor": first["next_cursor"]}, token(notion))

    request = notion.requests[0]
    assert (request.method, request.path) == ("POST", f"/v1/databases/{DATABASE}/query")
    assert_notion_headers(request)
    assert request.json == {
        "page_size": 3,
        "filter": {"property": "Status", "select": {"equals": "Open"}},
        "sorts": [{"property": "Due", "direction": "ascending"}],
    }
    assert (first["count"], first["has_more"], first["next_cursor"]) == (3, True, "3")
    assert notion.requests[1].json["start_cursor"] == "3"
    assert (second["count"], second["has_more"], second["next_cursor"]) == (1, False, None)


def test_create_page_needs_a_parent_and_a_title_or_properties():
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"title": "x"})
    assert caught.value.errors()[0]["loc"] == ("parent_id",)
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"parent_id": DATABASE})
    assert caught.value.errors()[0]["loc"] == ("title",)
    with pytest.raises(ValidationError, match="must be a JSON object of properties"):
        Config.model_validate({"parent_id": DATABASE, "properties": "[1]"})
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"operation": "query_database"})
    assert caught.value.errors()[0]["loc"] == ("database_id",)


# --- Notion's errors ----------------------------------------------------------------------------


def test_an_invalid_token_is_unauthorized_and_names_the_credential(notion):
    error = app_error(NOTION, {"parent_id": DATABASE, "title": "x"}, token(notion, "ntn_bad"))
    assert not error.retryable
    assert error.message.startswith(
        "Notion did not accept the credential “Acme Notion” (unauthorized: API token is invalid.)"
    )


def test_a_database_not_shared_with_the_integration_quotes_notion(notion):
    error = app_error(
        NOTION, {"operation": "query_database", "database_id": "f" * 32}, token(notion)
    )
    assert error.message.startswith("Notion refused query_database (HTTP 404): object_not_found")
    assert not error.retryable


def test_rate_limited_waits_its_retry_after(notion):
    notion.script(
        Answer(
            429,
            {"object": "error", "status": 429, "code": "rate_limited", "message": "Slow down"},
            {"Retry-After": "4"},
        )
    )
    error = app_error(NOTION, {"parent_id": DATABASE, "title": "x"}, token(notion))
    assert error.retryable and error.retry_after == 4
    assert error.message == (
        "Notion is rate limiting create_page (rate_limited: Slow down); it asks to wait 4 s."
    )


def test_a_conflict_is_retried(notion):
    notion.script(
        Answer(409, {"object": "error", "status": 409, "code": "conflict_error", "message": "x"})
    )
    error = app_error(NOTION, {"parent_id": DATABASE, "title": "x"}, token(notion))
    assert error.retryable


def test_a_notion_outage_is_retried(notion):
    notion.script(Answer(503, {"object": "error", "status": 503, "code": "service_unavailable"}))
    assert app_error(NOTION, {"parent_id": DATABASE, "title": "x"}, token(notion)).retryable


# --- test connection, engine --------------------------------------------------------------------


def test_the_token_test_is_users_me(notion):
    assert rest_api.check_token(token(notion)) == (
        "Connected to Notion as the integration “WorkFuse” in the workspace “Acme”."
    )
    [request] = notion.requests
    assert (request.method, request.path) == ("GET", "/v1/users/me")
    assert request.headers["notion-version"] == "2022-06-28"


def test_the_token_test_fails_on_a_401(notion):
    with pytest.raises(NodeError, match="did not accept the credential “Acme Notion”"):
        rest_api.check_token(token(notion, "ntn_revoked"))


@pytest.mark.django_db(transaction=True)
def test_a_run_adds_a_row_with_the_stored_credential(alice, notion):
    credential = store.create(
        alice, "Acme Notion", "notion", {"token": TOKEN, "base_url": notion.url}
    )
    node = {
        "id": "add_row",
        "type": NOTION,
        "config": {
            "credential": credential.pk,
            "parent_id": DATABASE,
            "title": "Ticket {{ trigger.id }}",
            "properties": {"Status": {"select": {"name": "Open"}}},
        },
    }

    execution = engine.start_execution(make_workflow(alice, chain(node)), {"id": 12})

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [page] = notion.pages
    assert page["properties"]["Name"]["title"][0]["text"]["content"] == "Ticket 12"
    step = Step.objects.get(execution=execution, key="add_row")
    assert step.output["id"] == page["id"]
    assert TOKEN not in json.dumps([step.input, step.output])
