"""app.trello against a fake Trello (tests/fakes/trello.py): each operation's request (method,
path, the key and token in the OAuth header, body or query) and output, Trello's plain-text
errors and rate limits, the token's test, and a run through the engine with a stored
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
from integrations.trello import rest_api
from integrations.trello.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.trello import API_KEY, API_TOKEN, LIST_ID, FakeTrello
from workfuse.lib.node_run import NodeError, Secret

TR = "app.trello"


@pytest.fixture
def trello(settings: Any) -> Iterator[FakeTrello]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeTrello()) as fake:
        yield fake


def pair(fake: FakeTrello, token: str = API_TOKEN) -> Secret:
    return Secret(
        "trello", {"api_key": API_KEY, "api_token": token}, {"base_url": fake.url}, name="Board"
    )


def test_create_card_sends_list_name_description_and_fields_in_the_body(trello):
    output = run_app(
        TR,
        {
            "list_id": LIST_ID,
            "name": "Order 42",
            "description": "**Paid**",
            "fields": {"due": "2026-12-24T17:00:00Z", "pos": "top"},
        },
        pair(trello),
    )
    [request] = trello.requests
    assert (request.method, request.path, request.query) == ("POST", "/1/cards", {})
    assert API_TOKEN in request.headers["authorization"]
    assert request.json == {
        "idList": LIST_ID,
        "name": "Order 42",
        "desc": "**Paid**",
        "due": "2026-12-24T17:00:00Z",
        "pos": "top",
    }
    assert output["name"] == "Order 42" and output["idList"] == LIST_ID


def test_update_get_and_delete_address_the_card_by_short_link(trello):
    card = trello.add("Old")
    short = card["shortLink"]
    run_app(TR, {"operation": "update_card", "card_id": short, "name": "New"}, pair(trello))
    got = run_app(
        TR, {"operation": "get_card", "card_id": short, "return_fields": "name"}, pair(trello)
    )
    deleted = run_app(TR, {"operation": "delete_card", "card_id": short}, pair(trello))
    assert [(r.method, r.path) for r in trello.requests] == [
        ("PUT", f"/1/cards/{short}"),
        ("GET", f"/1/cards/{short}"),
        ("DELETE", f"/1/cards/{short}"),
    ]
    assert trello.requests[0].json == {"name": "New"}
    assert got == {"id": card["id"], "name": "New"}
    assert deleted == {"limits": {}} and trello.cards == []


def test_list_cards_keeps_max_results(trello):
    for n in range(5):
        trello.add(f"Card {n}")
    trello.add("Elsewhere", list_id="0" * 24)
    output = run_app(
        TR, {"operation": "list_cards", "list_id": LIST_ID, "max_results": 3}, pair(trello)
    )
    assert trello.requests[0].path == f"/1/lists/{LIST_ID}/cards"
    assert output["count"] == 3 and [c["name"] for c in output["cards"]] == [
        "Card 0",
        "Card 1",
        "Card 2",
    ]


def test_add_comment_answers_the_comment_action(trello):
    card = trello.add("Standup")
    output = run_app(
        TR, {"operation": "add_comment", "card_id": card["id"], "text": "Done"}, pair(trello)
    )
    assert trello.requests[0].path == f"/1/cards/{card['id']}/actions/comments"
    assert trello.requests[0].json == {"text": "Done"}
    assert output["type"] == "commentCard" and output["data"]["text"] == "Done"


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"name": "x"}, "list_id"),
        ({"list_id": LIST_ID}, "name"),
        ({"operation": "add_comment", "card_id": "c"}, "text"),
        ({"operation": "delete_card"}, "card_id"),
        ({"list_id": LIST_ID, "name": "x", "fields": "[1]"}, "fields"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_a_wrong_token_names_the_credential_and_a_wrong_id_quotes_trello(trello):
    error = app_error(TR, {"operation": "get_card", "card_id": "x"}, pair(trello, "old"))
    assert not error.retryable
    assert error.message.startswith("Trello did not accept the credential “Board” (invalid token)")
    missing = app_error(TR, {"operation": "get_card", "card_id": "nope"}, pair(trello))
    assert missing.message == "Trello refused get_card (HTTP 400): invalid id"


def test_a_rate_limit_is_retried_after_trellos_window(trello):
    trello.script(
        Answer(429, {"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"})
    )
    error = app_error(TR, {"operation": "get_card", "card_id": "x"}, pair(trello))
    assert error.retryable and error.retry_after == 10
    assert "API_TOKEN_LIMIT_EXCEEDED: Rate limit exceeded" in error.message


def test_the_token_test_reads_the_member(trello):
    assert rest_api.check_token(pair(trello)) == "Connected to Trello as Ada Lovelace."
    with pytest.raises(NodeError, match="did not accept the credential “Board”"):
        rest_api.check_token(pair(trello, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_the_rendered_card_with_the_stored_credential(alice, trello):
    credential = store.create(
        alice,
        "Board",
        "trello",
        {"api_key": API_KEY, "api_token": API_TOKEN, "base_url": trello.url},
    )
    node = {
        "id": "card",
        "type": TR,
        "config": {
            "credential": credential.pk,
            "list_id": LIST_ID,
            "name": "Order {{ trigger.number }}",
            "fields": {"due": "{{ trigger.due }}"},
        },
    }
    execution = engine.start_execution(
        make_workflow(alice, chain(node)), {"number": 42, "due": "2026-12-24"}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [card] = trello.cards
    assert (card["name"], card["due"]) == ("Order 42", "2026-12-24")
    step = Step.objects.get(execution=execution, key="card")
    assert step.output is not None
    assert step.output["id"] == card["id"]
    assert API_TOKEN not in json.dumps([step.input, step.output])
