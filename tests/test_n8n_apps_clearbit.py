"""Importing n8n's Clearbit node (editor/n8n/apps_clearbit.py) onto `app.clearbit`: the config
each operation becomes (from the corpus's own settings), the refusals, and the corpus's
person → company enrichment chain run in the engine against the fake Clearbit."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.clearbit import KEY, FakeClearbit
from tests.test_n8n_apps import converted, refusal, single

# From wesley/workflows_backup__Filter__0431_Filter_Convertkit_Create_Triggered.json.
ENRICH_EMAIL = {
    "email": "={{ $json.subscriber.email_address }}",
    "resource": "person",
    "additionalFields": {},
}
ENRICH_COMPANY = {"domain": "={{ $json.employment.domain }}", "additionalFields": {}}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            ENRICH_EMAIL | {"additionalFields": {"givenName": "Alex", "linkedIn": "in/alex"}},
            {
                "operation": "enrich_person",
                "email": "{{ trigger.subscriber.email_address }}",
                "hints": {"given_name": "Alex", "linkedin": "in/alex"},
            },
        ),
        (
            {"domain": "stripe.com", "additionalFields": {"companyName": "Stripe"}},
            {
                "operation": "enrich_company",
                "domain": "stripe.com",
                "hints": {"company_name": "Stripe"},
            },
        ),
        (
            {"operation": "autocomplete", "name": "Str"},
            {"operation": "suggest_companies", "name": "Str"},
        ),
    ],
)
def test_each_operation_becomes_its_clearbit_config(params, config):
    node = converted("clearbit", params)
    assert node["type"] == "app.clearbit"
    assert node["config"] == config
    assert "choose a Clearbit credential (an API key)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "person", "operation": "find"}, "does 'person / find'"),
        ({"additionalFields": {}}, "names no domain"),
        ({"domain": "a.com", "additionalFields": {"size": 3}}, "sets size in Additional Fields"),
    ],
)
def test_what_the_clearbit_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("clearbit", params)
    assert "'App' (n8n-nodes-base.clearbit)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_person_then_company_enrichment_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("clearbit", ENRICH_EMAIL, name="Enrich email")
    data["nodes"].append(
        {**data["nodes"][1], "name": "Enrich company", "parameters": ENRICH_COMPANY}
    )
    data["connections"]["Enrich email"] = {
        "main": [[{"node": "Enrich company", "type": "main", "index": 0}]]
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeClearbit()) as clearbit:
        credential = store.create(
            alice, "Enrichment", "clearbit", {"api_key": KEY, "base_url": clearbit.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.clearbit":
                node["config"]["credential"] = credential.pk
        payload = {"subscriber": {"email_address": "alex@stripe.com"}}
        execution = engine.start_execution(make_workflow(alice, graph), payload)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
    company = next(n for n in graph["nodes"] if n["label"] == "Enrich company")
    step = Step.objects.get(execution=execution, key=company["id"])
    assert step.output is not None and step.output["name"] == "Stripe"
