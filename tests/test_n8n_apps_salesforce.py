"""Importing n8n's Salesforce node (editor/n8n/apps_salesforce.py) onto `app.salesforce`: the
config each operation becomes (from the corpus's own settings), the refusals, where a search's
records lie, and the corpus's create → update → add note workflow run against the fake
Salesforce."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.salesforce import CLIENT_ID, CLIENT_SECRET, REFRESH, FakeSalesforce
from tests.test_n8n_apps import converted, refusal, spec_items

BASE = "n8n-nodes-base."


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (  # the corpus's "Manual Salesforce Automate" workflow
            {"company": "CompanyInc", "lastname": "DudeOne", "additionalFields": {}},
            {
                "operation": "create_record",
                "sobject": "Lead",
                "fields": {"Company": "CompanyInc", "LastName": "DudeOne"},
            },
        ),
        (
            {"leadId": "00Q1", "operation": "update", "updateFields": {"city": "Berlin"}},
            {
                "operation": "update_record",
                "sobject": "Lead",
                "record_id": "00Q1",
                "fields": {"City": "Berlin"},
            },
        ),
        (
            {
                "title": "Deal Won!",
                "leadId": "00Q1",
                "options": {"body": "Signed", "isPrivate": True},
                "operation": "addNote",
            },
            {
                "operation": "create_record",
                "sobject": "Note",
                "fields": {
                    "Title": "Deal Won!",
                    "ParentId": "00Q1",
                    "Body": "Signed",
                    "IsPrivate": True,
                },
            },
        ),
        (  # the corpus's Excel → Salesforce workflow
            {
                "query": "=SELECT id, Name FROM Account WHERE Name = '{{ $json.name }}'",
                "resource": "search",
            },
            {
                "operation": "query",
                "soql": "SELECT id, Name FROM Account WHERE Name = '{{ trigger.name | n8n_text }}'",
            },
        ),
        (
            {"name": "={{ $json.company }}", "resource": "account", "additionalFields": {}},
            {
                "operation": "create_record",
                "sobject": "Account",
                "fields": {"Name": "{{ trigger.company }}"},
            },
        ),
        (
            {
                "lastname": "Lovelace",
                "resource": "contact",
                "operation": "upsert",
                "externalId": "Email",
                "externalIdValue": "ada@x.test",
                "additionalFields": {
                    "email": "ada@x.test",
                    "firstName": "Ada",
                    "acconuntId": "0011",
                    "owner": "0051",
                    "customFieldsUi": {
                        "customFieldsValues": [{"fieldId": "Tier__c", "value": "Gold"}]
                    },
                },
            },
            {
                "operation": "upsert_record",
                "sobject": "Contact",
                "external_id_field": "Email",
                "external_id_value": "ada@x.test",
                "fields": {
                    "LastName": "Lovelace",
                    "FirstName": "Ada",
                    "AccountId": "0011",
                    "OwnerId": "0051",
                    "Tier__c": "Gold",
                },
            },
        ),
        (
            {
                "resource": "opportunity",
                "name": "Big deal",
                "closeDate": "2026-12-31",
                "stageName": "Prospecting",
                "additionalFields": {"amount": 1200},
            },
            {
                "operation": "create_record",
                "sobject": "Opportunity",
                "fields": {
                    "Name": "Big deal",
                    "CloseDate": "2026-12-31",
                    "StageName": "Prospecting",
                    "Amount": 1200,
                },
            },
        ),
        (
            {"resource": "opportunity", "operation": "delete", "opportunityId": "0061"},
            {"operation": "delete_record", "sobject": "Opportunity", "record_id": "0061"},
        ),
        (
            {"resource": "contact", "operation": "get", "contactId": "0031"},
            {"operation": "get_record", "sobject": "Contact", "record_id": "0031"},
        ),
    ],
)
def test_each_operation_becomes_its_salesforce_config(params, config):
    node = converted("salesforce", params)
    assert node["type"] == "app.salesforce"
    assert node["config"] == config
    assert (
        "choose a Salesforce credential (a connected app's OAuth2 refresh token)" in node["notes"]
    )


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"operation": "getAll"}, "does 'lead / getAll', which picks fields and conditions"),
        ({"resource": "user", "operation": "get"}, "does 'user / get'"),
        ({"resource": "case", "operation": "addNote", "caseId": "1"}, "does 'case / addNote'"),
        ({"operation": "update"}, "names no lead; set its Lead ID"),
        ({"resource": "search"}, "searches with no query"),
        ({"operation": "upsert", "lastname": "x", "company": "y"}, "upserts with no external id"),
    ],
)
def test_what_the_salesforce_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("salesforce", params)
    assert "'App' (n8n-nodes-base.salesforce)" in message
    assert said in message


def test_a_search_says_its_records_are_the_items():
    assert (
        spec_items("salesforce", {"resource": "search", "query": "SELECT Id FROM Lead"}, 1)
        == "records"
    )
    assert spec_items("salesforce", {"lastname": "x"}, 1) is None


def corpus_workflow() -> dict[str, Any]:
    """The corpus's "Manual Salesforce Automate" export (its sticky note left out)."""

    def sf(name: str, x: int, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": name,
            "type": f"{BASE}salesforce",
            "typeVersion": 1,
            "position": [x, 300],
            "parameters": params,
            "credentials": {"salesforceOAuth2Api": "Salesforce Credentials"},
        }

    lead = '={{$node["Salesforce"].json["id"]}}'
    return {
        "name": "Lead, update, note",
        "nodes": [
            {
                "name": "On clicking 'execute'",
                "type": f"{BASE}manualTrigger",
                "typeVersion": 1,
                "position": [250, 300],
                "parameters": {},
            },
            sf(
                "Salesforce",
                450,
                {"company": "CompanyInc", "lastname": "DudeOne", "additionalFields": {}},
            ),
            sf(
                "Salesforce1",
                650,
                {"leadId": lead, "operation": "update", "updateFields": {"city": "Berlin"}},
            ),
            sf(
                "Salesforce2",
                850,
                {"title": "Deal Won!", "leadId": lead, "options": {}, "operation": "addNote"},
            ),
        ],
        "connections": {
            "On clicking 'execute'": {
                "main": [[{"node": "Salesforce", "type": "main", "index": 0}]]
            },
            "Salesforce": {"main": [[{"node": "Salesforce1", "type": "main", "index": 0}]]},
            "Salesforce1": {"main": [[{"node": "Salesforce2", "type": "main", "index": 0}]]},
        },
    }


@pytest.mark.django_db(transaction=True)
def test_the_corpus_workflow_creates_moves_and_notes_a_lead(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    graph = convert(corpus_workflow())
    assert validate_graph(graph) == []
    with running(FakeSalesforce()) as org:
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
        for node in graph["nodes"]:
            if node["type"] == "app.salesforce":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [lead] = org.records["lead"]
        assert (lead["Company"], lead["LastName"], lead["City"]) == (
            "CompanyInc",
            "DudeOne",
            "Berlin",
        )
        [note] = org.records["note"]
        assert note == {"Id": note["Id"], "Title": "Deal Won!", "ParentId": lead["Id"]}
