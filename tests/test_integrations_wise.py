"""app.wise against a fake Wise API (tests/fakes/wise.py): each operation's request and output,
a transfer created once however often its step is retried, Wise's errors, the token's test, and
a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.wise import rest_api
from integrations.wise.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.wise import ACCOUNT, PROFILE, TOKEN, FakeWise
from workfuse.lib.node_run import NodeError, Secret

WS = "app.wise"


@pytest.fixture
def wise(settings: Any) -> Iterator[FakeWise]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeWise()) as fake:
        yield fake


def token(fake: FakeWise, value: str = TOKEN) -> Secret:
    return Secret("wise", {"api_token": value}, {"base_url": fake.url}, name="Money")


QUOTE = {
    "profile_id": str(PROFILE),
    "source_currency": "eur",
    "target_currency": "GBP",
    "amount": "500",
    "target_account_id": str(ACCOUNT),
}


def test_create_quote_prices_the_amount_for_the_profile(wise):
    output = run_app(WS, QUOTE, token(wise))
    [request] = wise.requests
    assert (request.method, request.path) == ("POST", f"/v3/profiles/{PROFILE}/quotes")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.json == {
        "profile": str(PROFILE),
        "sourceCurrency": "EUR",
        "targetCurrency": "GBP",
        "sourceAmount": 500.0,
        "targetAccount": str(ACCOUNT),
    }
    got = run_app(
        WS,
        {"operation": "get_quote", "profile_id": str(PROFILE), "quote_id": output["id"]},
        token(wise),
    )
    assert got == output and output["sourceAmount"] == 500.0
    target = run_app(WS, QUOTE | {"amount_type": "target"}, token(wise))
    assert target["targetAmount"] == 500.0 and target["sourceAmount"] is None


def test_a_transfer_is_created_once_then_funded_read_and_cancelled(wise):
    quote = run_app(WS, QUOTE, token(wise))
    create = {
        "operation": "create_transfer",
        "quote_id": quote["id"],
        "target_account_id": str(ACCOUNT),
        "reference": "Thank you for the contribution",
    }
    first = run_app(WS, create, token(wise))
    again = run_app(WS, create, token(wise))  # the same step retried: the same transaction id
    assert first == again and len(wise.transfers) == 1
    assert wise.requests[1].json["details"] == {"reference": "Thank you for the contribution"}
    by_id = {"transfer_id": str(first["id"])}
    paid = run_app(
        WS, by_id | {"operation": "execute_transfer", "profile_id": str(PROFILE)}, token(wise)
    )
    got = run_app(WS, by_id | {"operation": "get_transfer"}, token(wise))
    cancelled = run_app(WS, by_id | {"operation": "cancel_transfer"}, token(wise))
    assert paid["status"] == "COMPLETED" and got["status"] == "processing"
    assert cancelled["status"] == "cancelled"
    assert [(r.method, r.path) for r in wise.requests[3:]] == [
        ("POST", f"/v3/profiles/{PROFILE}/transfers/{first['id']}/payments"),
        ("GET", f"/v1/transfers/{first['id']}"),
        ("PUT", f"/v1/transfers/{first['id']}/cancel"),
    ]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        (
            {
                "operation": "create_quote",
                "profile_id": "1",
                "source_currency": "EUR",
                "target_currency": "GBP",
            },
            "amount",
        ),
        ({"operation": "create_transfer", "quote_id": "q"}, "target_account_id"),
        ({"operation": "get_transfer"}, "transfer_id"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_wise_s_errors_are_quoted_and_a_wrong_token_names_the_credential(wise):
    failed = app_error(WS, {"operation": "get_transfer", "transfer_id": "1"}, token(wise, "old"))
    assert not failed.retryable
    assert failed.message.startswith("Wise did not accept the credential “Money” (Invalid token)")
    missing = app_error(WS, {"operation": "get_transfer", "transfer_id": "1"}, token(wise))
    assert missing.message == "Wise refused get_transfer (HTTP 404): Transfer not found"
    bad = app_error(
        WS, {"operation": "create_transfer", "quote_id": "q", "target_account_id": "1"}, token(wise)
    )
    assert bad.message == "Wise refused create_transfer (HTTP 422): Quote is not valid"
    words = app_error(WS, QUOTE | {"amount": "lots"}, token(wise))
    assert words.message == "amount must be a number, not “lots”."


def test_the_token_test_reads_the_profiles(wise):
    assert rest_api.check_token(token(wise)) == "Connected to Wise: 1 profile(s)."
    with pytest.raises(NodeError, match="did not accept the credential “Money”"):
        rest_api.check_token(token(wise, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_quotes_and_creates_the_transfer_with_the_stored_credential(alice, wise):
    credential = store.create(alice, "Money", "wise", {"api_token": TOKEN, "base_url": wise.url})
    nodes = (
        {
            "id": "quote",
            "type": WS,
            "config": {"credential": credential.pk, **QUOTE, "amount": "{{ trigger.amount }}"},
        },
        {
            "id": "send",
            "type": WS,
            "config": {
                "credential": credential.pk,
                "operation": "create_transfer",
                "quote_id": "{{ nodes.quote.id }}",
                "target_account_id": str(ACCOUNT),
            },
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"amount": 42})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [transfer] = wise.transfers
    assert wise.quotes[transfer["quoteUuid"]]["sourceAmount"] == 42.0
    step = Step.objects.get(execution=execution, key="send")
    assert step.output is not None and step.output["id"] == transfer["id"]
    assert TOKEN not in json.dumps([s.input for s in execution.steps.all()])
