"""app.salesforce against a fake Salesforce (tests/fakes/salesforce.py): the refresh token
traded once per step, each record operation's request and output, upserts that create and
update, SOQL queries across batches, Salesforce's errors, the credential's test, and a run
through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.salesforce import rest_api
from integrations.salesforce.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.salesforce import (
    ACCESS,
    API,
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH,
    FakeSalesforce,
)
from workfuse.lib.node_run import NodeError, Secret

SF = "app.salesforce"


@pytest.fixture
def org(settings: Any) -> Iterator[FakeSalesforce]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeSalesforce(batch=3)) as fake:
        yield fake


def oauth(fake: FakeSalesforce, refresh: str = REFRESH) -> Secret:
    value = {"client_secret": CLIENT_SECRET, "refresh_token": refresh}
    settings = {"client_id": CLIENT_ID, "base_url": fake.url}
    return Secret("salesforce", value, settings, name="CRM")


def test_a_lead_is_created_updated_read_and_deleted(org):
    fields = {"LastName": "DudeOne", "Company": "CompanyInc"}
    created = run_app(
        SF, {"operation": "create_record", "sobject": "Lead", "fields": fields}, oauth(org)
    )
    lead = created["id"]
    assert created == {"id": lead, "success": True, "errors": []} and lead.startswith("00Q")
    token, call = org.requests[0], org.requests[1]
    assert token.path == "/services/oauth2/token" and token.form["grant_type"] == "refresh_token"
    assert (call.method, call.path, call.json) == ("POST", f"{API}/sobjects/Lead", fields)
    assert call.headers["authorization"] == f"Bearer {ACCESS}"
    by_id = {"sobject": "Lead", "record_id": lead}
    updated = run_app(
        SF, {"operation": "update_record", **by_id, "fields": {"City": "Berlin"}}, oauth(org)
    )
    got = run_app(SF, {"operation": "get_record", **by_id}, oauth(org))
    deleted = run_app(SF, {"operation": "delete_record", **by_id}, oauth(org))
    assert updated == deleted == {"id": lead, "success": True}
    assert got["City"] == "Berlin" and got["attributes"]["type"] == "Lead"
    assert [(r.method, r.path) for r in org.requests[2:] if "oauth2" not in r.path] == [
        ("PATCH", f"{API}/sobjects/Lead/{lead}"),
        ("GET", f"{API}/sobjects/Lead/{lead}"),
        ("DELETE", f"{API}/sobjects/Lead/{lead}"),
    ]
    assert org.records["lead"] == []


def test_an_upsert_creates_then_updates_by_the_external_id(org):
    config = {
        "operation": "upsert_record",
        "sobject": "Contact",
        "external_id_field": "Email",
        "external_id_value": "ada@x.test",
        "fields": {"LastName": "Lovelace"},
    }
    first = run_app(SF, config, oauth(org))
    second = run_app(SF, {**config, "fields": {"FirstName": "Ada"}}, oauth(org))
    assert first["created"] is True and second["created"] is False
    assert first["id"] == second["id"]
    assert org.requests[1].path == f"{API}/sobjects/Contact/Email/ada%40x.test"
    [contact] = org.records["contact"]
    assert (contact["FirstName"], contact["LastName"]) == ("Ada", "Lovelace")


def test_a_query_reads_every_batch_up_to_max_results(org):
    for n in range(7):
        org.add("Account", Name="Acme" if n % 2 else f"Other {n}")
    found = run_app(SF, {"operation": "query", "soql": "SELECT Id, Name FROM Account"}, oauth(org))
    assert found["count"] == 7 and [r["Name"] for r in found["records"]][:2] == ["Other 0", "Acme"]
    assert [r.path for r in org.requests[2:]] == [f"{API}/query/{p}" for p in _cursors(org)]
    acme = run_app(
        SF,
        {"operation": "query", "soql": "SELECT Id, Name FROM Account WHERE Name = 'Acme'"},
        oauth(org),
    )
    assert acme["count"] == 3 and {r["Name"] for r in acme["records"]} == {"Acme"}
    few = run_app(
        SF,
        {"operation": "query", "soql": "SELECT Id FROM Account", "max_results": 2},
        oauth(org),
    )
    assert few["count"] == 2


def _cursors(org: FakeSalesforce) -> list[str]:
    return [r.path.rsplit("/", 1)[-1] for r in org.requests if "/query/" in r.path]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"operation": "create_record", "fields": {"A": 1}}, "sobject"),
        ({"operation": "get_record", "sobject": "Lead"}, "record_id"),
        ({"operation": "query"}, "soql"),
        (
            {"operation": "upsert_record", "sobject": "Lead", "external_id_value": "x"},
            "external_id_field",
        ),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_a_revoked_refresh_token_names_the_credential_and_other_refusals_quote_salesforce(org):
    failed = app_error(SF, {"operation": "query", "soql": "SELECT Id FROM Lead"}, oauth(org, "old"))
    assert not failed.retryable
    assert failed.message.startswith(
        "Salesforce did not accept the credential “CRM” (invalid_grant: expired access/refresh"
    )
    missing = app_error(
        SF, {"operation": "get_record", "sobject": "Lead", "record_id": "00Qnope"}, oauth(org)
    )
    assert missing.message == (
        "Salesforce refused get_record (HTTP 404): NOT_FOUND: The requested resource does not exist"
    )
    no_name = app_error(
        SF,
        {"operation": "create_record", "sobject": "Lead", "fields": {"Company": "X"}},
        oauth(org),
    )
    assert "REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]" in no_name.message
    bad = app_error(SF, {"operation": "query", "soql": "SELEKT 1"}, oauth(org))
    assert "MALFORMED_QUERY" in bad.message


def test_the_credential_test_trades_the_token_and_reads_the_limits(org):
    assert rest_api.check_token(oauth(org)) == f"Connected to Salesforce at {org.url}."
    assert org.requests[-1].path == f"{API}/limits"
    with pytest.raises(NodeError, match="did not accept the credential “CRM”"):
        rest_api.check_token(oauth(org, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_creates_the_rendered_lead_with_the_stored_credential(alice, org):
    credential = store.create(
        alice,
        "CRM",
        "salesforce",
        {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": REFRESH,
            "base_url": org.url,
        },
    )
    node = {
        "id": "lead",
        "type": SF,
        "config": {
            "credential": credential.pk,
            "sobject": "Lead",
            "fields": {"LastName": "{{ trigger.name }}", "Company": "Acme"},
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"name": "Lovelace"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [lead] = org.records["lead"]
    assert lead["LastName"] == "Lovelace"
    step = Step.objects.get(execution=execution, key="lead")
    assert step.output is not None and step.output["id"] == lead["Id"]
    dumped = json.dumps([step.input, step.output])
    assert REFRESH not in dumped and ACCESS not in dumped and CLIENT_SECRET not in dumped
