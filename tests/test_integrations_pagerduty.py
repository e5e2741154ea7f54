"""app.pagerduty against a fake PagerDuty REST API v2 (tests/fakes/pagerduty.py): each
operation's request and output, lists across pages, PagerDuty's errors, the key's test, and a
run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.pagerduty import rest_api
from integrations.pagerduty.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.pagerduty import SERVICE, TOKEN, FakePagerDuty
from workfuse.lib.node_run import NodeError, Secret

PD = "app.pagerduty"
ONCALL = "oncall@acme.test"


@pytest.fixture
def pagerduty(settings: Any) -> Iterator[FakePagerDuty]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakePagerDuty()) as fake:
        yield fake


def token(fake: FakePagerDuty, value: str = TOKEN) -> Secret:
    return Secret("pagerduty", {"api_token": value}, {"base_url": fake.url}, name="Ops")


def test_create_incident_sends_n8n_s_body_and_the_from_header(pagerduty):
    config = {
        "title": "Firewall on Fire",
        "service_id": SERVICE,
        "from_email": ONCALL,
        "details": "Port 443 is burning",
        "urgency": "high",
        "priority_id": "P53ZZH5",
    }
    output = run_app(PD, config, token(pagerduty))
    [request] = pagerduty.requests
    assert (request.method, request.path) == ("POST", "/incidents")
    assert request.headers["authorization"] == f"Token token={TOKEN}"
    assert request.headers["from"] == ONCALL
    assert request.json == {
        "incident": {
            "type": "incident",
            "service": {"id": SERVICE, "type": "service_reference"},
            "title": "Firewall on Fire",
            "urgency": "high",
            "priority": {"id": "P53ZZH5", "type": "priority_reference"},
            "body": {"type": "incident_body", "details": "Port 443 is burning"},
        }
    }
    assert output["id"] == pagerduty.incidents[0]["id"] and output["status"] == "triggered"


def test_update_get_and_note_act_on_the_incident(pagerduty):
    incident = pagerduty.open("Disk full")
    by_id = {"incident_id": incident["id"], "from_email": ONCALL}
    updated = run_app(
        PD,
        by_id | {"operation": "update_incident", "title": "Disks full", "status": "resolved"},
        token(pagerduty),
    )
    got = run_app(
        PD, {"operation": "get_incident", "incident_id": incident["id"]}, token(pagerduty)
    )
    note = run_app(PD, by_id | {"operation": "add_note", "content": "Cleaned"}, token(pagerduty))
    path = f"/incidents/{incident['id']}"
    assert [(r.method, r.path) for r in pagerduty.requests] == [
        ("PUT", path),
        ("GET", path),
        ("POST", f"{path}/notes"),
    ]
    assert pagerduty.requests[0].json == {
        "incident": {"type": "incident", "title": "Disks full", "status": "resolved"}
    }
    assert updated["status"] == got["status"] == "resolved" and got["title"] == "Disks full"
    assert note["content"] == "Cleaned" and pagerduty.notes[0]["incident"] == incident["id"]


def test_list_incidents_filters_and_reads_every_page(pagerduty):
    for n in range(260):
        pagerduty.open(f"Alert {n}", status="resolved" if n % 2 else "triggered")
    config = {"operation": "list_incidents", "statuses": ["triggered", "acknowledged"]}
    output = run_app(PD, config, token(pagerduty))
    assert pagerduty.requests[0].query == {
        "statuses[]": ["triggered", "acknowledged"],
        "limit": ["100"],
        "offset": ["0"],
    }
    assert [r.query["offset"] for r in pagerduty.requests] == [["0"], ["100"]]
    assert output["count"] == 130 and output["incidents"][-1]["title"] == "Alert 258"
    capped = run_app(PD, {"operation": "list_incidents", "max_results": 120}, token(pagerduty))
    assert capped["count"] == 120 and pagerduty.requests[-1].query["offset"] == ["100"]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "create_incident", "title": "x"}, "service_id"),
        ({"operation": "get_incident"}, "incident_id"),
        ({"operation": "add_note", "incident_id": "P1"}, "content"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_pagerduty_s_refusals_are_quoted_and_a_wrong_key_names_the_credential(pagerduty):
    failed = app_error(
        PD, {"operation": "get_incident", "incident_id": "x"}, token(pagerduty, "old")
    )
    assert not failed.retryable
    assert failed.message.startswith("PagerDuty did not accept the credential “Ops” (Unauthorized)")
    missing = app_error(PD, {"title": "x", "service_id": SERVICE}, token(pagerduty))
    assert missing.message == (
        "PagerDuty refused create_incident (HTTP 400): Invalid Input Provided: "
        "Requester User Not Found"
    )


def test_a_rate_limit_waits_the_seconds_pagerduty_gives(pagerduty):
    pagerduty.scripted.append(
        Answer(429, {"error": {"message": "Rate Limit Exceeded"}}, {"ratelimit-reset": "12"})
    )
    limited = app_error(PD, {"operation": "get_incident", "incident_id": "x"}, token(pagerduty))
    assert limited.retryable and limited.retry_after == 12


def test_the_key_test_reads_the_abilities(pagerduty):
    assert (
        rest_api.check_token(token(pagerduty))
        == "Connected to PagerDuty: the account has 2 abilities."
    )
    with pytest.raises(NodeError, match="did not accept the credential “Ops”"):
        rest_api.check_token(token(pagerduty, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_opens_the_rendered_incident_with_the_stored_credential(alice, pagerduty):
    credential = store.create(
        alice, "Ops", "pagerduty", {"api_token": TOKEN, "base_url": pagerduty.url}
    )
    node = {
        "id": "page",
        "type": PD,
        "config": {
            "credential": credential.pk,
            "title": "{{ trigger.what }} is down",
            "service_id": SERVICE,
            "from_email": ONCALL,
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"what": "Checkout"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [incident] = pagerduty.incidents
    assert incident["title"] == "Checkout is down"
    step = Step.objects.get(execution=execution, key="page")
    assert step.output is not None and step.output["id"] == incident["id"]
    assert TOKEN not in json.dumps([step.input, step.output])
