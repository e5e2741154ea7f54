"""app.wekan against a fake Wekan server (tests/fakes/wekan.py): the login, each operation's
request and output (a board, a list, a card created, read, moved and deleted), Wekan's errors,
the credential's test, and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.wekan import rest_api
from integrations.wekan.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.wekan import PASSWORD, USER, USER_ID, FakeWekan
from workfuse.lib.node_run import NodeError, Secret

WK = "app.wekan"


@pytest.fixture
def wekan(settings: Any) -> Iterator[FakeWekan]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeWekan()) as fake:
        yield fake


def login(fake: FakeWekan, password: str = PASSWORD) -> Secret:
    return Secret(
        "wekan", {"password": password}, {"username": USER, "base_url": fake.url}, name="Kanban"
    )


def test_a_board_a_list_and_a_card_moved_then_deleted(wekan):
    board = run_app(WK, {"operation": "create_board", "title": "Docs"}, login(wekan))
    assert wekan.requests[0].path == "/users/login"
    assert wekan.requests[0].json == {"username": USER, "password": PASSWORD}
    assert wekan.boards[board["_id"]]["owner"] == USER_ID  # the logged-in user by default
    assert set(board) == {"_id", "defaultSwimlaneId"}
    ids = {"board_id": board["_id"]}
    todo = run_app(WK, {**ids, "operation": "create_list", "title": "To Do"}, login(wekan))
    done = run_app(WK, {**ids, "operation": "create_list", "title": "Done"}, login(wekan))
    card = run_app(
        WK,
        {
            **ids,
            "list_id": todo["_id"],
            "swimlane_id": board["defaultSwimlaneId"],
            "title": "Document the node",
            "description": "All of it",
        },
        login(wekan),
    )
    create = wekan.requests[-1]
    assert create.path == f"/api/boards/{board['_id']}/lists/{todo['_id']}/cards"
    assert create.headers["authorization"].startswith("Bearer ")
    assert create.json["authorId"] == USER_ID and create.json["description"] == "All of it"
    where = {**ids, "list_id": todo["_id"], "card_id": card["_id"]}
    moved = run_app(
        WK, {**where, "operation": "update_card", "move_to_list_id": done["_id"]}, login(wekan)
    )
    assert moved == {"_id": card["_id"]} and wekan.cards[card["_id"]]["listId"] == done["_id"]
    where["list_id"] = done["_id"]
    got = run_app(WK, {**where, "operation": "get_card"}, login(wekan))
    assert got["title"] == "Document the node"
    run_app(WK, {**where, "operation": "delete_card"}, login(wekan))
    assert wekan.cards == {}


def test_settings_need_the_ids():
    for config, field in (
        ({"title": "x", "board_id": "B", "list_id": "L"}, "swimlane_id"),
        ({"operation": "get_card", "board_id": "B", "list_id": "L"}, "card_id"),
        ({"operation": "create_board"}, "title"),
    ):
        with pytest.raises(ValidationError) as caught:
            Config.model_validate(config)
        assert caught.value.errors()[0]["loc"] == (field,)


def test_errors_name_the_credential_or_quote_wekan(wekan):
    failed = app_error(WK, {"operation": "create_board", "title": "x"}, login(wekan, "wrong"))
    assert not failed.retryable
    assert failed.message.startswith("Wekan did not accept the credential “Kanban”")
    where = {"operation": "get_card", "board_id": "B", "list_id": "L", "card_id": "C"}
    missing = app_error(WK, where, login(wekan))
    assert missing.message == "Wekan refused get_card (HTTP 404): List not found"
    with pytest.raises(NodeError, match="needs something to change"):
        run_app(WK, {**where, "operation": "update_card"}, login(wekan))
    assert rest_api.check(login(wekan)) == f"Wekan accepted the login of {USER}."


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_the_rendered_board_with_the_stored_credential(alice, wekan):
    credential = store.create(
        alice, "Kanban", "wekan", {"username": USER, "password": PASSWORD, "base_url": wekan.url}
    )
    node = {
        "id": "board",
        "type": WK,
        "config": {
            "credential": credential.pk,
            "operation": "create_board",
            "title": "{{ trigger.name }}",
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"name": "Q1"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [board] = wekan.boards.values()
    assert board["title"] == "Q1"
    step = Step.objects.get(execution=execution, key="board")
    assert PASSWORD not in json.dumps([step.input, step.output])
