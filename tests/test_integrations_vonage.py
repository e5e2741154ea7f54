"""app.vonage against a fake Vonage SMS and Account API (tests/fakes/vonage.py): the SMS form
as n8n sends it, the options, Vonage's per-message statuses, the key's test, and a run through
the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.vonage import rest_api
from integrations.vonage.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.vonage import API_KEY, API_SECRET, FakeVonage
from workfuse.lib.node_run import NodeError, Secret

VO = "app.vonage"
SMS = {"sender": "Vonage APIs", "to": "447700900000", "message": "Hey! It is 21°C."}


@pytest.fixture
def vonage(settings: Any) -> Iterator[FakeVonage]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeVonage()) as fake:
        yield fake


def key(fake: FakeVonage, secret: str = API_SECRET) -> Secret:
    settings = {"api_key": API_KEY, "base_url": fake.url}
    return Secret("vonage", {"api_secret": secret}, settings, name="SMS")


def test_an_sms_is_sent_as_a_form_with_the_key_and_secret(vonage):
    output = run_app(VO, SMS, key(vonage))
    [request] = vonage.requests
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.form == {
        "from": "Vonage APIs",
        "to": "447700900000",
        "type": "text",
        "text": "Hey! It is 21°C.",
        "api_key": API_KEY,
        "api_secret": API_SECRET,
    }
    assert output["count"] == 1
    assert output["messages"][0]["status"] == "0"
    assert output["messages"][0]["to"] == "447700900000"


def test_options_are_sent_by_vonage_s_names_the_ttl_in_milliseconds(vonage):
    options = {"client-ref": "order-7", "status-report-req": True, "ttl": 60}
    run_app(VO, SMS | {"options": options}, key(vonage))
    form = vonage.requests[0].form
    assert form["client-ref"] == "order-7"
    assert form["status-report-req"] == "true"
    assert form["ttl"] == "3600000"
    refused = app_error(VO, SMS | {"options": {"colour": "red"}}, key(vonage))
    assert refused.message == "Vonage takes no option colour: remove it."


def test_a_long_text_answers_one_message_per_part(vonage):
    output = run_app(VO, SMS | {"message": "x" * 200}, key(vonage))
    assert output["count"] == 2


def test_vonage_s_refusal_is_a_message_status_as_n8n_outputs_it(vonage):
    output = run_app(VO, SMS, key(vonage, "wrong"))
    assert output["messages"] == [{"status": "4", "error-text": "Bad Credentials"}]


def test_sender_and_recipient_are_needed():
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"message": "hi"})
    assert {e["loc"] for e in caught.value.errors()} == {("sender",), ("to",)}


def test_the_key_test_reads_the_balance(vonage):
    assert rest_api.check_key(key(vonage)) == "Connected to Vonage: the balance is 10.28 EUR."
    with pytest.raises(NodeError, match="did not accept the credential “SMS”"):
        rest_api.check_key(key(vonage, "wrong"))


@pytest.mark.django_db(transaction=True)
def test_a_run_texts_the_rendered_message(alice, vonage):
    credential = store.create(
        alice,
        "SMS",
        "vonage",
        {"api_key": API_KEY, "api_secret": API_SECRET, "base_url": vonage.url},
    )
    config = SMS | {"credential": credential.pk, "message": "It is {{ trigger.temp }}°C"}
    nodes = ({"id": "sms", "type": VO, "config": config},)
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"temp": 21})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert vonage.sent[0]["text"] == "It is 21°C"
    assert API_SECRET not in json.dumps([s.input for s in execution.steps.all()])
