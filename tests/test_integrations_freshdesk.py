"""app.freshdesk against a fake Freshdesk API v2 (tests/fakes/freshdesk.py): each operation's
request and output (n8n's defaults on create: pending, low, portal), Freshdesk's errors, the
key's test, and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.freshdesk import rest_api
from integrations.freshdesk.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.freshdesk import KEY, FakeFreshdesk
from workfuse.lib.node_run import NodeError, Secret

FD = "app.freshdesk"
REFUND = {"requester_value": "ada@example.com", "subject": "Refund please", "tags": ["refund"]}


@pytest.fixture
def freshdesk(settings: Any) -> Iterator[FakeFreshdesk]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeFreshdesk()) as fake:
        yield fake


def key(fake: FakeFreshdesk, value: str = KEY) -> Secret:
    return Secret("freshdesk", {"api_key": value}, {"base_url": fake.url}, name="Support")


def test_create_sends_n8n_s_defaults_and_the_requester(freshdesk):
    output = run_app(FD, REFUND | {"fields": {"type": "Refund"}}, key(freshdesk))
    [request] = freshdesk.requests
    assert (request.method, request.path) == ("POST", "/api/v2/tickets")
    assert request.json == {
        "status": 3,
        "priority": 1,
        "source": 2,
        "type": "Refund",
        "subject": "Refund please",
        "tags": ["refund"],
        "email": "ada@example.com",
    }
    assert output["id"] == 1 and output["email"] == "ada@example.com"
    by_id = run_app(
        FD,
        REFUND
        | {
            "requester": "requester_id",
            "requester_value": "77",
            "status": "open",
            "priority": "urgent",
            "source": "phone",
        },
        key(freshdesk),
    )
    assert freshdesk.requests[1].json["requester_id"] == 77
    assert (by_id["status"], by_id["priority"], by_id["source"]) == (2, 4, 3)


def test_get_update_and_delete_a_ticket(freshdesk):
    run_app(FD, REFUND, key(freshdesk))
    updated = run_app(
        FD, {"operation": "update_ticket", "ticket_id": "1", "status": "resolved"}, key(freshdesk)
    )
    got = run_app(FD, {"operation": "get_ticket", "ticket_id": "1"}, key(freshdesk))
    deleted = run_app(FD, {"operation": "delete_ticket", "ticket_id": "1"}, key(freshdesk))
    assert freshdesk.requests[1].json == {"status": 4}
    assert updated["status"] == 4 and got["subject"] == "Refund please"
    assert deleted == {"success": True} and freshdesk.tickets == {}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "create_ticket", "subject": "x"}, "requester_value"),
        ({"operation": "get_ticket"}, "ticket_id"),
        ({"operation": "update_ticket", "ticket_id": "1", "status": "done"}, "status"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_freshdesk_s_errors_are_quoted_and_a_wrong_key_names_the_credential(freshdesk):
    invalid = app_error(FD, {"requester_value": "a@b.c"}, key(freshdesk))
    assert invalid.message == (
        "Freshdesk refused create_ticket (HTTP 400): Validation failed (subject: It should be "
        "a/an String)"
    )
    wrong = app_error(FD, REFUND, key(freshdesk, "old"))
    assert not wrong.retryable
    assert wrong.message.startswith("Freshdesk did not accept the credential “Support”")


def test_the_key_test_reads_the_agent(freshdesk):
    assert rest_api.check_key(key(freshdesk)) == "Connected to Freshdesk as Ada Agent."
    with pytest.raises(NodeError, match="did not accept the credential “Support”"):
        rest_api.check_key(key(freshdesk, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_opens_a_ticket_from_the_message(alice, freshdesk):
    credential = store.create(
        alice, "Support", "freshdesk", {"api_key": KEY, "base_url": freshdesk.url}
    )
    nodes = (
        {
            "id": "ticket",
            "type": FD,
            "config": {"credential": credential.pk, **REFUND, "subject": "{{ trigger.text }}"},
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"text": "Broken!"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert freshdesk.tickets[1]["subject"] == "Broken!"
    assert KEY not in json.dumps([s.input for s in execution.steps.all()])
