"""app.hubspot against a fake HubSpot (tests/fakes/hubspot.py): each operation's request
(method, path, bearer token, body or query) and output, paging by the `after` cursor, HubSpot's
errors and rate limits, the token's test, and a run through the engine with a stored
credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.hubspot import crm_api
from integrations.hubspot.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.hubspot import PORTAL, TOKEN, FakeHubSpot
from workfuse.lib.node_run import NodeError, Secret

HS = "app.hubspot"


@pytest.fixture
def hubspot(settings: Any) -> Iterator[FakeHubSpot]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeHubSpot()) as fake:
        yield fake


def token(fake: FakeHubSpot, value: str = TOKEN) -> Secret:
    return Secret("hubspot", {"access_token": value}, {"base_url": fake.url}, name="CRM")


def test_upsert_creates_a_contact_by_email_then_updates_it(hubspot):
    config = {"email": "ada@example.com", "properties": {"firstname": "Ada"}}
    created = run_app(HS, config, token(hubspot))
    [request] = hubspot.requests
    assert (request.method, request.path) == ("POST", "/crm/v3/objects/contacts/batch/upsert")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.json == {
        "inputs": [
            {"id": "ada@example.com", "idProperty": "email", "properties": {"firstname": "Ada"}}
        ]
    }
    assert created["isNew"] is True and created["properties"]["firstname"] == "Ada"
    updated = run_app(
        HS, {**config, "properties": {"lifecyclestage": "opportunity"}}, token(hubspot)
    )
    assert updated["isNew"] is False and updated["id"] == created["id"]
    assert updated["properties"]["lifecyclestage"] == "opportunity"
    assert len(hubspot.records["contacts"]) == 1


def test_upsert_makes_the_company_the_contacts_primary_one(hubspot):
    acme = hubspot.add("companies", name="Acme", domain="acme.com")
    config = {"email": "ada@acme.com", "associated_companies": acme["id"]}
    contact = run_app(HS, config, token(hubspot))
    assert [(r.method, r.path) for r in hubspot.requests] == [
        ("POST", "/crm/v3/objects/contacts/batch/upsert"),
        ("PUT", f"/crm/v4/objects/contacts/{contact['id']}/associations/companies/{acme['id']}"),
    ]
    assert hubspot.requests[1].json == [
        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}
    ]
    assert hubspot.associations == [(contact["id"], acme["id"], 1)]
    assert contact["isNew"] is True  # the upserted contact, as n8n outputs it
    error = app_error(HS, {**config, "associated_companies": "999"}, token(hubspot))
    assert "One or more objects were not found" in str(error)


def test_get_contact_reads_the_properties_asked_for(hubspot):
    contact = hubspot.add(email="ada@example.com", firstname="Ada")
    output = run_app(
        HS,
        {"operation": "get_contact", "object_id": contact["id"], "return_properties": ["email"]},
        token(hubspot),
    )
    request = hubspot.requests[0]
    assert request.path == f"/crm/v3/objects/contacts/{contact['id']}"
    assert request.query == {"properties": ["email"]}
    assert output["properties"]["email"] == "ada@example.com"
    assert "firstname" not in output["properties"]


def test_list_contacts_follows_the_after_cursor_up_to_max_results(hubspot):
    for n in range(130):
        hubspot.add(email=f"c{n}@example.com")
    output = run_app(HS, {"operation": "list_contacts", "max_results": 120}, token(hubspot))
    assert output["count"] == 120
    assert output["results"][119]["properties"]["email"] == "c119@example.com"
    assert [(r.query["limit"], r.query.get("after")) for r in hubspot.requests] == [
        (["100"], None),
        (["20"], ["100"]),
    ]


def test_search_contacts_sends_filters_sort_and_stops_at_the_last_page(hubspot):
    old = hubspot.add(email="old@example.com")
    new = hubspot.add(email="new@example.com")
    since = old["properties"]["createdate"]
    filters = [{"filters": [{"propertyName": "createdate", "operator": "GTE", "value": since}]}]
    output = run_app(
        HS,
        {
            "operation": "search_contacts",
            "filter_groups": json.dumps(filters),
            "sort_by": "createdate",
        },
        token(hubspot),
    )
    [request] = hubspot.requests
    assert (request.method, request.path) == ("POST", "/crm/v3/objects/contacts/search")
    assert request.json == {
        "filterGroups": filters,
        "sorts": [{"propertyName": "createdate", "direction": "DESCENDING"}],
        "limit": 100,
    }
    assert [c["id"] for c in output["results"]] == [new["id"], old["id"]]


def test_create_deal_converts_the_close_date_and_associates_the_contact(hubspot):
    output = run_app(
        HS,
        {
            "operation": "create_deal",
            "properties": {
                "dealname": "Order 1001",
                "dealstage": "closedwon",
                "amount": 120.5,
                "closedate": "2026-12-01T10:00:00Z",
            },
            "associated_contacts": "51, 52",
        },
        token(hubspot),
    )
    body = hubspot.requests[0].json
    assert body["properties"]["closedate"] == "1796119200000"
    assert body["associations"][0] == {
        "to": {"id": "51"},
        "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 3}],
    }
    assert hubspot.associations == [(output["id"], "51", 3), (output["id"], "52", 3)]
    assert output["properties"]["dealname"] == "Order 1001"


def test_update_and_get_deal_and_search_deals(hubspot):
    deal = hubspot.add("deals", dealname="Order #1001", dealstage="appointmentscheduled")
    run_app(
        HS,
        {"operation": "update_deal", "object_id": deal["id"], "properties": {"amount": 9}},
        token(hubspot),
    )
    got = run_app(HS, {"operation": "get_deal", "object_id": deal["id"]}, token(hubspot))
    found = run_app(HS, {"operation": "search_deals", "query": "#1001"}, token(hubspot))
    assert [(r.method, r.path) for r in hubspot.requests] == [
        ("PATCH", f"/crm/v3/objects/deals/{deal['id']}"),
        ("GET", f"/crm/v3/objects/deals/{deal['id']}"),
        ("POST", "/crm/v3/objects/deals/search"),
    ]
    assert hubspot.requests[0].json == {"properties": {"amount": 9}}
    assert got["properties"]["amount"] == "9"
    assert found["count"] == 1 and found["results"][0]["id"] == deal["id"]


def test_search_companies_finds_them_by_domain(hubspot):
    acme = hubspot.add("companies", name="Acme", domain="acme.com")
    hubspot.add("companies", name="Other", domain="other.com")
    by_domain = [{"filters": [{"propertyName": "domain", "operator": "EQ", "value": "acme.com"}]}]
    found = run_app(
        HS,
        {"operation": "search_companies", "filter_groups": by_domain, "max_results": 1},
        token(hubspot),
    )
    [request] = hubspot.requests
    assert (request.method, request.path) == ("POST", "/crm/v3/objects/companies/search")
    assert request.json == {"filterGroups": by_domain, "limit": 1}
    assert found["count"] == 1 and found["results"][0]["id"] == acme["id"]
    assert found["results"][0]["properties"]["domain"] == "acme.com"
    unknown = json.dumps(by_domain).replace("acme.com", "nobody.test")  # as a template renders
    nothing = run_app(
        HS, {"operation": "search_companies", "filter_groups": unknown}, token(hubspot)
    )
    assert nothing == {"results": [], "count": 0}


def test_create_company_posts_its_properties(hubspot):
    output = run_app(
        HS,
        {"operation": "create_company", "properties": {"name": "Acme", "domain": "acme.com"}},
        token(hubspot),
    )
    assert hubspot.requests[0].path == "/crm/v3/objects/companies"
    assert output["properties"]["domain"] == "acme.com"


def test_update_company_patches_its_properties(hubspot):
    company = hubspot.add("companies", name="Acme")
    output = run_app(
        HS,
        {"operation": "update_company", "object_id": company["id"], "properties": {"city": "Lyon"}},
        token(hubspot),
    )
    [request] = hubspot.requests
    assert (request.method, request.path) == ("PATCH", f"/crm/v3/objects/companies/{company['id']}")
    assert request.json == {"properties": {"city": "Lyon"}}
    assert output["properties"]["city"] == "Lyon" and output["properties"]["name"] == "Acme"


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"properties": {"firstname": "x"}}, "email"),
        ({"operation": "get_deal"}, "object_id"),
        ({"operation": "update_company", "properties": {"city": "x"}}, "object_id"),
        ({"operation": "create_company"}, "properties"),
        ({"operation": "search_contacts", "filter_groups": "{not json"}, "filter_groups"),
        ({"email": "a@b.c", "properties": "[1, 2]"}, "properties"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_a_wrong_token_names_the_credential(hubspot):
    error = app_error(HS, {"email": "a@b.c"}, token(hubspot, "pat-old"))
    assert not error.retryable
    assert error.message.startswith(
        "HubSpot did not accept the credential “CRM” (INVALID_AUTHENTICATION: "
    )


def test_a_validation_error_quotes_hubspot(hubspot):
    error = app_error(
        HS, {"operation": "create_deal", "properties": {"dealname": "x"}}, token(hubspot)
    )
    assert error.message == (
        "HubSpot refused create_deal (HTTP 400): VALIDATION_ERROR: Property values were not "
        "valid: dealstage"
    )


def test_a_rate_limit_is_retried_after_hubspots_ten_second_window(hubspot):
    hubspot.script(
        Answer(
            429,
            {
                "status": "error",
                "message": "You have reached your ten_secondly_rolling limit.",
                "errorType": "RATE_LIMIT",
                "policyName": "TEN_SECONDLY_ROLLING",
            },
        )
    )
    error = app_error(HS, {"operation": "get_deal", "object_id": "1"}, token(hubspot))
    assert error.retryable and error.retry_after == 10


def test_the_token_test_reads_the_account(hubspot):
    assert crm_api.check_token(token(hubspot)) == f"Connected to HubSpot account {PORTAL}."
    with pytest.raises(NodeError, match="did not accept the credential “CRM”"):
        crm_api.check_token(token(hubspot, "pat-old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_upserts_the_rendered_contact_with_the_stored_credential(alice, hubspot):
    credential = store.create(
        alice, "CRM", "hubspot", {"access_token": TOKEN, "base_url": hubspot.url}
    )
    node = {
        "id": "upsert",
        "type": HS,
        "config": {
            "credential": credential.pk,
            "email": "{{ trigger.email }}",
            "properties": {"firstname": "{{ trigger.first }}"},
        },
    }
    execution = engine.start_execution(
        make_workflow(alice, chain(node)), {"email": "ada@example.com", "first": "Ada"}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [contact] = hubspot.records["contacts"]
    assert contact["properties"]["firstname"] == "Ada"
    step = Step.objects.get(execution=execution, key="upsert")
    assert step.output is not None
    assert step.output["id"] == contact["id"] and step.output["isNew"] is True
    assert TOKEN not in json.dumps([step.input, step.output])
