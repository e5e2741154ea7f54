"""Importing n8n's Hunter node (editor/n8n/apps_hunter.py) onto `app.hunter`: the config each
operation becomes, the refusals, where a domain search's items lie, and the corpus's verify →
valid? → Clearbit chain run in the engine against the fake Hunter and the fake Clearbit."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.clearbit import KEY as CLEARBIT_KEY
from tests.fakes.clearbit import FakeClearbit
from tests.fakes.hunter import KEY, FakeHunter
from tests.test_n8n_apps import converted, refusal, single, spec_items

# From wesley/workflows_backup__Hunter__0436_Hunter_Pipedrive_Create_Triggered.json.
VERIFY = {"email": "={{ $json['What\\'s your business email?'] }}", "operation": "emailVerifier"}
IS_VALID = {
    "options": {},
    "conditions": {
        "options": {"leftValue": "", "caseSensitive": True, "typeValidation": "strict"},
        "combinator": "and",
        "conditions": [
            {
                "id": "54d84c8a-63ee-40ed-8fb2-301fff0194ba",
                "operator": {
                    "name": "filter.operator.equals",
                    "type": "string",
                    "operation": "equals",
                },
                "leftValue": "={{ $json.status }}",
                "rightValue": "valid",
            }
        ],
    },
}
CLEARBIT = {
    "email": "={{ $('Check if the email is valid').item.json.email }}",
    "resource": "person",
    "additionalFields": {},
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {"domain": "stripe.com", "filters": {"type": "personal", "seniority": ["senior"]}},
            {
                "operation": "domain_search",
                "domain": "stripe.com",
                "type": "personal",
                "seniority": ["senior"],
                "max_results": 100,
            },
        ),
        (
            {"domain": "stripe.com", "onlyEmails": False, "returnAll": True},
            {
                "operation": "domain_search",
                "domain": "stripe.com",
                "only_emails": False,
                "max_results": 1000,
            },
        ),
        (
            {"operation": "emailFinder", "domain": "a.com", "firstname": "Ada", "lastname": "L"},
            {"operation": "find_email", "domain": "a.com", "first_name": "Ada", "last_name": "L"},
        ),
        (
            VERIFY,
            {"operation": "verify_email", "email": '{{ trigger["What\'s your business email?"] }}'},
        ),
    ],
)
def test_each_operation_becomes_its_hunter_config(params, config):
    node = converted("hunter", params)
    assert node["type"] == "app.hunter"
    assert node["config"] == config
    assert "choose a Hunter credential (an API key)" in node["notes"]


@pytest.mark.parametrize(
    ("params", "items"),
    [
        ({"domain": "a.com"}, "emails"),
        ({"domain": "a.com", "onlyEmails": False}, None),
        (VERIFY, None),
    ],
)
def test_a_domain_search_of_only_emails_emits_one_item_per_email(params, items):
    assert spec_items("hunter", params, 1) == items


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"operation": "accountInformation"}, "does 'accountInformation'"),
        ({"operation": "emailFinder", "domain": "a.com", "firstname": "A"}, "names no lastname"),
        ({"domain": "a.com", "filters": {"required_field": "x"}}, "filters by required_field"),
    ],
)
def test_what_the_hunter_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("hunter", params)
    assert "'App' (n8n-nodes-base.hunter)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_the_corpus_s_verify_then_enrich_chain_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("hunter", VERIFY, name="Verify email with Hunter")
    template = data["nodes"][1]
    data["nodes"] += [
        {
            **template,
            "name": "Check if the email is valid",
            "type": "n8n-nodes-base.if",
            "typeVersion": 2,
            "parameters": IS_VALID,
        },
        {**template, "name": "Clearbit", "type": "n8n-nodes-base.clearbit", "parameters": CLEARBIT},
    ]
    data["connections"]["Verify email with Hunter"] = {
        "main": [[{"node": "Check if the email is valid", "type": "main", "index": 0}]]
    }
    data["connections"]["Check if the email is valid"] = {
        "main": [[{"node": "Clearbit", "type": "main", "index": 0}], []]
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeHunter()) as hunter, running(FakeClearbit()) as clearbit:
        keys = {
            "app.hunter": store.create(
                alice, "Leads", "hunter", {"api_key": KEY, "base_url": hunter.url}
            ),
            "app.clearbit": store.create(
                alice,
                "Enrichment",
                "clearbit",
                {"api_key": CLEARBIT_KEY, "base_url": clearbit.url},
            ),
        }
        for node in graph["nodes"]:
            if node["type"] in keys:
                node["config"]["credential"] = keys[node["type"]].pk
        payload = {"What's your business email?": "alex@stripe.com"}
        execution = engine.start_execution(make_workflow(alice, graph), payload)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        asked = [r.query["email"] for r in clearbit.requests]
    assert asked == [["alex@stripe.com"]]
    enrich = next(n for n in graph["nodes"] if n["type"] == "app.clearbit")
    step = Step.objects.get(execution=execution, key=enrich["id"])
    assert step.output is not None and step.output["name"]["fullName"] == "Alex MacCaw"
