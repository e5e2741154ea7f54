"""app.zammad against a fake Zammad API v1 (tests/fakes/zammad.py): tickets listed page by page
as n8n reads them (until an empty page), a ticket read, Zammad's errors, the token's test, and
a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from executions import engine
from integrations.zammad import rest_api
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.zammad import TOKEN, FakeZammad
from workfuse.lib.node_run import NodeError, Secret

ZA = "app.zammad"


@pytest.fixture
def zammad(settings: Any) -> Iterator[FakeZammad]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeZammad()) as fake:
        yield fake


def token(fake: FakeZammad, value: str = TOKEN) -> Secret:
    return Secret("zammad", {"access_token": value}, {"base_url": fake.url}, name="Desk")


def test_tickets_are_listed_page_by_page_until_an_empty_page(zammad, monkeypatch):
    monkeypatch.setattr(rest_api, "PAGE", 2)
    for n in range(5):
        zammad.add(f"Ticket {n}", state_id=n % 3 + 1)
    listed = run_app(ZA, {"max_results": 5000}, token(zammad))
    assert [t["title"] for t in listed["tickets"]] == [f"Ticket {n}" for n in range(5)]
    assert listed["count"] == 5
    assert [r.query["page"] for r in zammad.requests] == [["1"], ["2"], ["3"], ["4"]]
    assert zammad.requests[0].headers["authorization"] == f"Token token={TOKEN}"
    assert run_app(ZA, {"max_results": 3}, token(zammad))["count"] == 3


def test_a_ticket_is_read_and_errors_are_quoted(zammad):
    zammad.add("Printer", state_id=2)
    got = run_app(ZA, {"operation": "get_ticket", "ticket_id": 1}, token(zammad))
    assert got["title"] == "Printer"
    missing = app_error(ZA, {"operation": "get_ticket", "ticket_id": "9"}, token(zammad))
    assert missing.message == "Zammad refused get_ticket (HTTP 404): Couldn't find Ticket"
    wrong = app_error(ZA, {}, token(zammad, "old"))
    assert not wrong.retryable and wrong.message.startswith(
        "Zammad did not accept the credential “Desk”"
    )


def test_the_token_test_reads_the_user(zammad):
    assert rest_api.check_token(token(zammad)) == "Connected to Zammad as Ada Agent."
    with pytest.raises(NodeError, match="did not accept the credential “Desk”"):
        rest_api.check_token(token(zammad, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_lists_the_tickets(alice, zammad):
    zammad.add("Printer", state_id=1)
    credential = store.create(
        alice, "Desk", "zammad", {"access_token": TOKEN, "base_url": zammad.url}
    )
    nodes = ({"id": "tickets", "type": ZA, "config": {"credential": credential.pk}},)
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert execution.steps.get(key="tickets").output["count"] == 1
    assert TOKEN not in json.dumps([s.input for s in execution.steps.all()])
