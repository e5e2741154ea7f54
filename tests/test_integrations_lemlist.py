"""app.lemlist against a fake lemlist API (tests/fakes/lemlist.py): each lead operation's request
and output, lemlist's errors, the key's test, and a run through the engine with a stored
credential."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.lemlist import rest_api
from integrations.lemlist.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.lemlist import CAMPAIGN, KEY, FakeLemlist
from workfuse.lib.node_run import Secret

LL = "app.lemlist"


@pytest.fixture
def lemlist(settings: Any) -> Iterator[FakeLemlist]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeLemlist()) as fake:
        yield fake


def key(fake: FakeLemlist, value: str = KEY) -> Secret:
    return Secret("lemlist", {"api_key": value}, {"base_url": fake.url}, name="Outreach")


def test_add_lead_posts_the_fields_to_the_campaign(lemlist):
    config = {
        "email": "ada+1@acme.test",
        "campaign_id": CAMPAIGN,
        "first_name": "Ada",
        "company_name": "Acme",
        "deduplicate": True,
    }
    output = run_app(LL, config, key(lemlist))
    [request] = lemlist.requests
    assert (request.method, request.path) == (
        "POST",
        f"/api/campaigns/{CAMPAIGN}/leads/ada%2B1@acme.test",
    )
    expected = "Basic " + base64.b64encode(f":{KEY}".encode()).decode()
    assert request.headers["authorization"] == expected
    assert request.query["deduplicate"] == ["true"]
    assert request.json == {"firstName": "Ada", "companyName": "Acme"}
    assert output["email"] == "ada+1@acme.test" and output["firstName"] == "Ada"
    again = app_error(LL, config, key(lemlist))
    assert again.message == "lemlist refused add_lead (HTTP 409): Lead already in a campaign"


def test_get_unsubscribe_and_delete_a_lead(lemlist):
    run_app(LL, {"email": "ada@acme.test", "campaign_id": CAMPAIGN}, key(lemlist))
    got = run_app(LL, {"operation": "get_lead", "email": "ada@acme.test"}, key(lemlist))
    assert got["campaignId"] == CAMPAIGN
    lead = {"email": "ada@acme.test", "campaign_id": CAMPAIGN}
    unsubscribed = run_app(LL, {**lead, "operation": "unsubscribe_lead"}, key(lemlist))
    assert unsubscribed["email"] == "ada@acme.test"
    assert lemlist.leads["ada@acme.test"]["state"] == "unsubscribed"
    run_app(LL, {**lead, "operation": "delete_lead"}, key(lemlist))
    assert lemlist.requests[-1].query == {"action": ["remove"]} and lemlist.leads == {}


def test_settings_need_the_email_and_campaign():
    for config, field in (
        ({"operation": "get_lead"}, "email"),
        ({"email": "a@b.c"}, "campaign_id"),
    ):
        with pytest.raises(ValidationError) as caught:
            Config.model_validate(config)
        assert caught.value.errors()[0]["loc"] == (field,)


def test_a_wrong_key_names_the_credential_and_the_key_test_names_the_team(lemlist):
    failed = app_error(LL, {"operation": "get_lead", "email": "a@b.c"}, key(lemlist, "old"))
    assert not failed.retryable
    assert failed.message.startswith("lemlist did not accept the credential “Outreach”")
    assert rest_api.check_key(key(lemlist)) == "Connected to lemlist team Acme."


@pytest.mark.django_db(transaction=True)
def test_a_run_adds_the_rendered_lead_with_the_stored_credential(alice, lemlist):
    credential = store.create(
        alice, "Outreach", "lemlist", {"api_key": KEY, "base_url": lemlist.url}
    )
    node = {
        "id": "lead",
        "type": LL,
        "config": {
            "credential": credential.pk,
            "email": "{{ trigger.email }}",
            "campaign_id": CAMPAIGN,
            "first_name": "{{ trigger.name }}",
        },
    }
    trigger = {"email": "ada@acme.test", "name": "Ada"}
    execution = engine.start_execution(make_workflow(alice, chain(node)), trigger)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert lemlist.leads["ada@acme.test"]["firstName"] == "Ada"
    step = Step.objects.get(execution=execution, key="lead")
    assert KEY not in json.dumps([step.input, step.output])
