"""app.monday against a fake monday.com GraphQL API (tests/fakes/monday.py): each operation's
GraphQL request and output, lists across pages, monday.com's errors (under HTTP 200, a spent
complexity budget retried), the token's test, and a run through the engine with a stored
credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.monday import graphql_api
from integrations.monday.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.monday import BOARD, TOKEN, FakeMonday
from workfuse.lib.node_run import NodeError, Secret

MONDAY = "app.monday"


@pytest.fixture
def monday(settings: Any) -> Iterator[FakeMonday]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeMonday()) as fake:
        yield fake


def token(fake: FakeMonday, value: str = TOKEN) -> Secret:
    return Secret("monday", {"api_token": value}, {"base_url": fake.url}, name="Boards")


def test_create_item_sends_the_mutation_with_column_values_as_json_text(monday):
    config = {
        "board_id": BOARD,
        "group_id": "new_group",
        "name": "Printer on fire",
        "column_values": '{"status": {"label": "Stuck"}}',
    }
    output = run_app(MONDAY, config, token(monday))
    [request] = monday.requests
    assert (request.method, request.path) == ("POST", "/v2")
    assert request.headers["authorization"] == TOKEN
    assert request.headers["api-version"] == graphql_api.API_VERSION
    assert request.json["query"].startswith("mutation (")
    assert request.json["variables"] == {
        "boardId": BOARD,
        "groupId": "new_group",
        "itemName": "Printer on fire",
        "columnValues": '{"status": {"label": "Stuck"}}',
    }
    [item] = monday.items
    assert output == {"id": item["id"]} and item["group"] == "new_group"
    assert item["columns"] == {"status": {"label": "Stuck"}}


def test_get_change_and_delete_an_item(monday):
    item = monday.add("Old", text="hello")
    got = run_app(MONDAY, {"operation": "get_item", "item_id": item["id"]}, token(monday))
    assert got["name"] == "Old" and got["column_values"][0]["text"] == "hello"
    changed = run_app(
        MONDAY,
        {
            "operation": "change_columns",
            "board_id": BOARD,
            "item_id": item["id"],
            "column_values": {"status": {"label": "Done"}},
        },
        token(monday),
    )
    assert changed == {"id": item["id"]} and item["columns"]["status"] == {"label": "Done"}
    deleted = run_app(MONDAY, {"operation": "delete_item", "item_id": item["id"]}, token(monday))
    assert deleted == {"id": item["id"]} and monday.items == []
    missing = app_error(MONDAY, {"operation": "get_item", "item_id": item["id"]}, token(monday))
    assert missing.message == f"monday.com has no item '{item['id']}' that this token can read."


def test_list_items_reads_the_groups_pages_up_to_max_results(monday, monkeypatch):
    monkeypatch.setattr("integrations.monday.node.PAGE", 2)
    for n in range(5):
        monday.add(f"Contact {n}")
    monday.add("Elsewhere", group="new_group")
    config = {"operation": "list_items", "board_id": BOARD, "group_id": "topics"}
    every = run_app(MONDAY, {**config, "max_results": 5000}, token(monday))
    assert [i["name"] for i in every["items"]] == [f"Contact {n}" for n in range(5)]
    assert every["count"] == 5 and len(monday.requests) == 3
    some = run_app(MONDAY, {**config, "max_results": 3}, token(monday))
    assert some["count"] == 3
    absent = app_error(MONDAY, {**config, "group_id": "nope"}, token(monday))
    assert "no group 'nope' in board '565971708'" in absent.message


def test_settings_need_the_ids_and_json_column_values():
    for config, field in (
        ({"operation": "get_item"}, "item_id"),
        ({"operation": "list_items", "board_id": BOARD}, "group_id"),
        ({"board_id": BOARD, "name": "x", "column_values": "[1"}, "column_values"),
    ):
        with pytest.raises(ValidationError) as caught:
            Config.model_validate(config)
        assert caught.value.errors()[0]["loc"] == (field,)


def test_errors_name_the_credential_quote_monday_or_wait_for_the_budget(monday):
    failed = app_error(MONDAY, {"operation": "get_item", "item_id": "1"}, token(monday, "old"))
    assert not failed.retryable
    assert failed.message.startswith("monday.com did not accept the credential “Boards”")
    wrong = app_error(MONDAY, {"board_id": "1", "name": "x"}, token(monday))
    assert wrong.message == (
        "monday.com refused create_item (HTTP 400): ResourceNotFoundException: Board not found"
    )
    monday.busy = 1
    busy = app_error(MONDAY, {"board_id": BOARD, "name": "x"}, token(monday))
    assert busy.retryable and busy.retry_after == 1


def test_the_token_test_reads_me(monday):
    assert graphql_api.check_token(token(monday)) == "Connected to monday.com as Ada."
    with pytest.raises(NodeError, match="did not accept the credential “Boards”"):
        graphql_api.check_token(token(monday, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_the_rendered_item_with_the_stored_credential(alice, monday):
    credential = store.create(
        alice, "Boards", "monday", {"api_token": TOKEN, "base_url": monday.url}
    )
    node = {
        "id": "item",
        "type": MONDAY,
        "config": {
            "credential": credential.pk,
            "board_id": BOARD,
            "group_id": "topics",
            "name": "Call {{ trigger.name }}",
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"name": "Ada"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [item] = monday.items
    assert item["name"] == "Call Ada"
    step = Step.objects.get(execution=execution, key="item")
    assert step.output == {"id": item["id"]}
    assert TOKEN not in json.dumps([step.input, step.output])
