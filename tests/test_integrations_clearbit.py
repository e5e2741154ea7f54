"""app.clearbit against a fake Clearbit (tests/fakes/clearbit.py): each operation's request and
output, a record still being looked up, Clearbit's errors, the key's test, and a run through
the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.clearbit import enrichment_api
from integrations.clearbit.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.clearbit import KEY, PENDING, FakeClearbit
from workfuse.lib.node_run import NodeError, Secret

CB = "app.clearbit"


@pytest.fixture
def clearbit(settings: Any) -> Iterator[FakeClearbit]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeClearbit()) as fake:
        yield fake


def key(fake: FakeClearbit, value: str = KEY) -> Secret:
    return Secret("clearbit", {"api_key": value}, {"base_url": fake.url}, name="Enrichment")


def test_enrich_person_sends_the_email_and_hints_and_outputs_the_person(clearbit):
    config = {
        "operation": "enrich_person",
        "email": " alex@stripe.com ",
        "hints": {"given_name": "Alex", "company": ""},
    }
    output = run_app(CB, config, key(clearbit))
    [request] = clearbit.requests
    assert (request.method, request.path) == ("GET", "/v2/people/find")
    assert request.query == {"given_name": ["Alex"], "email": ["alex@stripe.com"]}
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert output["name"]["fullName"] == "Alex MacCaw"


def test_enrich_company_and_suggest_companies(clearbit):
    company = run_app(CB, {"domain": "stripe.com"}, key(clearbit))
    suggested = run_app(CB, {"operation": "suggest_companies", "name": "Str"}, key(clearbit))
    assert [(r.path, r.query) for r in clearbit.requests] == [
        ("/v2/companies/find", {"domain": ["stripe.com"]}),
        ("/v1/companies/suggest", {"query": ["Str"]}),
    ]
    assert company["metrics"] == {"employees": 8000}
    assert suggested == {
        "companies": [{"name": "Stripe", "domain": "stripe.com", "logo": None}],
        "count": 1,
    }


def test_a_record_still_being_looked_up_is_pending(clearbit):
    output = run_app(CB, {"operation": "enrich_person", "email": PENDING}, key(clearbit))
    assert output == {"pending": True}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "enrich_person"}, "email"),
        ({"operation": "enrich_company"}, "domain"),
        ({"operation": "suggest_companies"}, "name"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_clearbit_s_errors_are_quoted_and_a_wrong_key_names_the_credential(clearbit):
    failed = app_error(CB, {"domain": "stripe.com"}, key(clearbit, "sk_old"))
    assert not failed.retryable
    assert failed.message.startswith(
        "Clearbit did not accept the credential “Enrichment” (auth_required: Invalid API key"
    )
    unknown = app_error(CB, {"domain": "nowhere.example"}, key(clearbit))
    assert unknown.message == (
        "Clearbit refused enrich_company (HTTP 404): unknown_record: Unknown email address or "
        "domain."
    )
    invalid = app_error(CB, {"operation": "enrich_person", "email": "nobody"}, key(clearbit))
    assert invalid.message.endswith("(HTTP 422): email_invalid: Invalid email.")


def test_the_key_test_looks_up_clearbit_itself(clearbit):
    assert (
        enrichment_api.check_key(key(clearbit))
        == "Connected to Clearbit: clearbit.com is Clearbit."
    )
    assert clearbit.requests[0].query == {"domain": ["clearbit.com"]}
    with pytest.raises(NodeError, match="did not accept the credential “Enrichment”"):
        enrichment_api.check_key(key(clearbit, "sk_old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_enriches_the_person_then_their_company(alice, clearbit):
    credential = store.create(
        alice, "Enrichment", "clearbit", {"api_key": KEY, "base_url": clearbit.url}
    )
    nodes = (
        {
            "id": "person",
            "type": CB,
            "config": {
                "credential": credential.pk,
                "operation": "enrich_person",
                "email": "{{ trigger.email }}",
            },
        },
        {
            "id": "company",
            "type": CB,
            "config": {
                "credential": credential.pk,
                "domain": "{{ nodes.person.employment.domain }}",
            },
        },
    )
    workflow = make_workflow(alice, chain(*nodes))
    execution = engine.start_execution(workflow, {"email": "alex@stripe.com"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="company")
    assert step.output is not None and step.output["name"] == "Stripe"
    assert KEY not in json.dumps([s.input for s in execution.steps.all()])
