"""app.hunter against a fake Hunter API v2 (tests/fakes/hunter.py): each operation's request and
output, pages of a domain search, a verification still running, Hunter's errors, the key's
test, and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.hunter import node, rest_api
from integrations.hunter.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.hunter import DOMAIN, KEY, SLOW, FakeHunter
from workfuse.lib.node_run import NodeError, Secret

HU = "app.hunter"


@pytest.fixture
def hunter(settings: Any) -> Iterator[FakeHunter]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeHunter()) as fake:
        yield fake


def key(fake: FakeHunter, value: str = KEY) -> Secret:
    return Secret("hunter", {"api_key": value}, {"base_url": fake.url}, name="Leads")


def test_domain_search_sends_the_filters_and_outputs_the_emails(hunter):
    config = {"domain": DOMAIN, "type": "personal", "seniority": ["senior", "executive"]}
    output = run_app(HU, config, key(hunter))
    [request] = hunter.requests
    assert (request.method, request.path) == ("GET", "/v2/domain-search")
    assert {k: v[0] for k, v in request.query.items()} == {
        "domain": DOMAIN,
        "type": "personal",
        "seniority": "senior,executive",
        "limit": "100",
        "offset": "0",
        "api_key": KEY,
    }
    assert output["count"] == 2 and {e["value"] for e in output["emails"]} == {
        "person1@stripe.com",
        "person5@stripe.com",
    }


def test_domain_search_reads_page_after_page_and_can_keep_the_whole_answer(hunter, monkeypatch):
    monkeypatch.setattr(node, "PAGE", 3)
    output = run_app(HU, {"domain": DOMAIN, "only_emails": False, "max_results": 5}, key(hunter))
    assert [r.query["offset"] for r in hunter.requests] == [["0"], ["3"]]
    assert output["organization"] == "Stripe" and len(output["emails"]) == 5
    assert output["emails"][4]["value"] == "person4@stripe.com"


def test_find_email_and_verify_email_output_hunter_s_data(hunter):
    found = run_app(
        HU,
        {"operation": "find_email", "domain": DOMAIN, "first_name": "Pat", "last_name": "C"},
        key(hunter),
    )
    verified = run_app(HU, {"operation": "verify_email", "email": found["email"]}, key(hunter))
    assert hunter.requests[0].path == "/v2/email-finder"
    assert hunter.requests[0].query["first_name"] == ["Pat"]
    assert found["email"] == "pat@stripe.com" and found["score"] == 97
    assert (verified["status"], verified["result"]) == ("valid", "deliverable")


def test_a_verification_still_running_is_retried_shortly(hunter):
    failed = app_error(HU, {"operation": "verify_email", "email": SLOW}, key(hunter))
    assert failed.retryable and failed.retry_after == rest_api.VERIFYING_WAIT_SECONDS
    assert "still working on verify_email" in failed.message


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "domain_search"}, "domain"),
        ({"operation": "find_email", "domain": "a.com", "first_name": "A"}, "last_name"),
        ({"operation": "verify_email"}, "email"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_hunter_s_errors_are_quoted_without_the_key_and_a_wrong_key_names_the_credential(hunter):
    failed = app_error(HU, {"domain": DOMAIN}, key(hunter, "old"))
    assert not failed.retryable
    assert failed.message.startswith(
        "Hunter did not accept the credential “Leads” (authentication_failed: No user found"
    )
    wrong = app_error(HU, {"domain": "nowhere.example"}, key(hunter))
    assert wrong.message == (
        "Hunter refused domain_search (HTTP 400): wrong_params: You are missing the domain "
        "parameter"
    )
    assert KEY not in wrong.message + failed.message


def test_the_key_test_reads_the_account(hunter):
    assert rest_api.check_key(key(hunter)) == "Connected to Hunter as ops@example.com."
    with pytest.raises(NodeError, match="did not accept the credential “Leads”"):
        rest_api.check_key(key(hunter, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_finds_then_verifies_the_rendered_person(alice, hunter):
    credential = store.create(alice, "Leads", "hunter", {"api_key": KEY, "base_url": hunter.url})
    nodes = (
        {
            "id": "find",
            "type": HU,
            "config": {
                "credential": credential.pk,
                "operation": "find_email",
                "domain": DOMAIN,
                "first_name": "{{ trigger.first }}",
                "last_name": "Collison",
            },
        },
        {
            "id": "verify",
            "type": HU,
            "config": {
                "credential": credential.pk,
                "operation": "verify_email",
                "email": "{{ nodes.find.email }}",
            },
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"first": "Patrick"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="verify")
    assert step.output is not None and step.output["email"] == "patrick@stripe.com"
    assert KEY not in json.dumps([[s.input, s.output] for s in execution.steps.all()])
