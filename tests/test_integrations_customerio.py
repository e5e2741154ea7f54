"""app.customerio against a fake Customer.io Track API (tests/fakes/customerio.py): each
operation's request and output, Customer.io's errors, the key's test, and a run through the
engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.customerio import track_api
from integrations.customerio.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.customerio import KEY, SEGMENT, SITE, FakeCustomerIo
from workfuse.lib.node_run import NodeError, Secret

CIO = "app.customerio"


@pytest.fixture
def cio(settings: Any) -> Iterator[FakeCustomerIo]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeCustomerIo()) as fake:
        yield fake


def key(fake: FakeCustomerIo, value: str = KEY) -> Secret:
    settings = {"site_id": SITE, "base_url": fake.url}
    return Secret("customerio", {"api_key": value}, settings, name="Messaging")


def test_upsert_puts_the_attributes_and_outputs_them_with_the_id(cio):
    config = {"customer_id": "2", "email": "ada@example.com", "attributes": {"plan": "pro"}}
    output = run_app(CIO, config, key(cio))
    [request] = cio.requests
    assert (request.method, request.path) == ("PUT", "/api/v1/customers/2")
    assert request.json == {"plan": "pro", "email": "ada@example.com"}
    assert output == {"id": "2", "plan": "pro", "email": "ada@example.com"}
    assert cio.people == {"2": {"plan": "pro", "email": "ada@example.com"}}


def test_events_segments_and_delete(cio):
    run_app(CIO, {"customer_id": "2"}, key(cio))
    outputs = [
        run_app(CIO, config, key(cio))
        for config in (
            {
                "operation": "track_event",
                "customer_id": "2",
                "event_name": "purchase",
                "event_data": {"price": 23},
            },
            {"operation": "track_anonymous_event", "event_name": "page_view"},
            {"operation": "add_to_segment", "segment_id": SEGMENT, "customer_ids": ["2", "3"]},
            {"operation": "remove_from_segment", "segment_id": SEGMENT, "customer_ids": ["3"]},
            {"operation": "delete_customer", "customer_id": "2"},
        )
    ]
    assert outputs == [{"success": True}] * 5
    assert cio.events == [
        ("2", {"name": "purchase", "data": {"price": 23}}),
        (None, {"name": "page_view", "data": {}}),
    ]
    assert cio.segment == {"2"} and cio.people == {}
    assert cio.requests[3].json == {"ids": ["2", "3"]}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "upsert_customer"}, "customer_id"),
        ({"operation": "track_anonymous_event"}, "event_name"),
        ({"operation": "add_to_segment", "segment_id": "7"}, "customer_ids"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_customer_io_s_errors_are_quoted_and_a_wrong_key_names_the_credential(cio):
    missing = app_error(
        CIO, {"operation": "add_to_segment", "segment_id": "9", "customer_ids": ["2"]}, key(cio)
    )
    assert missing.message == "Customer.io refused add_to_segment (HTTP 404): segment not found"
    wrong = app_error(CIO, {"customer_id": "2"}, key(cio, "old"))
    assert not wrong.retryable
    assert wrong.message.startswith(
        "Customer.io did not accept the credential “Messaging” (Unauthorized request)"
    )


def test_the_key_test_reads_the_region(cio):
    assert track_api.check_key(key(cio)) == "Connected to Customer.io (region us)."
    with pytest.raises(NodeError, match="did not accept the credential “Messaging”"):
        track_api.check_key(key(cio, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_upserts_then_segments_the_person(alice, cio):
    credential = store.create(
        alice, "Messaging", "customerio", {"api_key": KEY, "site_id": SITE, "base_url": cio.url}
    )
    nodes = (
        {
            "id": "person",
            "type": CIO,
            "config": {"credential": credential.pk, "customer_id": "{{ trigger.id }}"},
        },
        {
            "id": "segment",
            "type": CIO,
            "config": {
                "credential": credential.pk,
                "operation": "add_to_segment",
                "segment_id": SEGMENT,
                "customer_ids": ["{{ nodes.person.id }}"],
            },
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"id": "42"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert cio.segment == {"42"} and "42" in cio.people
    assert KEY not in json.dumps([s.input for s in execution.steps.all()])
