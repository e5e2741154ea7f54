"""Importing n8n's HubSpot node (editor/n8n/apps_hubspot.py) onto `app.hubspot`: the config
each supported operation becomes (from the corpus's own settings), the refusals, the legacy
record fields translated in later expressions, where lists put their items, and an imported
workflow run in the engine against the fake HubSpot."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.hubspot import TOKEN, FakeHubSpot
from tests.test_n8n_apps import converted, refusal, single, spec_items


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "email": '={{$json["form_email"]}}',
                "resource": "contact",
                "additionalFields": {"industry": "IT", "lastName": "Lovelace"},
            },
            {
                "operation": "upsert_contact",
                "email": "{{ trigger.form_email }}",
                "properties": {"industry": "IT", "lastname": "Lovelace"},
            },
        ),
        (
            {
                "resource": "contact",
                "contactId": "151",
                "operation": "get",
                "additionalFields": {"properties": ["email"], "propertyMode": "valueOnly"},
            },
            {"operation": "get_contact", "object_id": "151", "return_properties": ["email"]},
        ),
        (
            {"resource": "contact", "operation": "getAll", "limit": 20, "additionalFields": {}},
            {"operation": "list_contacts", "max_results": 20},
        ),
        (
            {
                "resource": "contact",
                "operation": "search",
                "filterGroupsUi": {
                    "filterGroupsValues": [
                        {
                            "filtersUi": {
                                "filterValues": [
                                    {"value": "5", "operator": "GTE", "propertyName": "createdate"}
                                ]
                            }
                        }
                    ]
                },
                "additionalFields": {},
            },
            {
                "operation": "search_contacts",
                "sort_by": "createdate",
                "sort_direction": "DESCENDING",
                "max_results": 100,
                "filter_groups": [
                    {"filters": [{"propertyName": "createdate", "operator": "GTE", "value": "5"}]}
                ],
            },
        ),
        (
            {
                "stage": "closedwon",
                "additionalFields": {
                    "amount": "={{ $json.total }}",
                    "dealName": "Order",
                    "associatedVids": "={{ $json.userId }}",
                },
            },
            {
                "operation": "create_deal",
                "properties": {
                    "dealstage": "closedwon",
                    "dealname": "Order",
                    "amount": "{{ trigger.total }}",
                },
                "associated_contacts": "{{ trigger.userId }}",
            },
        ),
        (
            {"operation": "search", "additionalFields": {"query": "={{ $json.name }}"}},
            {
                "operation": "search_deals",
                "sort_by": "createdate",
                "sort_direction": "DESCENDING",
                "max_results": 100,
                "query": "{{ trigger.name }}",
            },
        ),
        (
            {"operation": "update", "dealId": "77", "updateFields": {"stage": "closedlost"}},
            {
                "operation": "update_deal",
                "object_id": "77",
                "properties": {"dealstage": "closedlost"},
            },
        ),
        (
            {"resource": "company", "name": "Acme", "additionalFields": {"city": "Paris"}},
            {"operation": "create_company", "properties": {"name": "Acme", "city": "Paris"}},
        ),
        (
            {
                "resource": "company",
                "companyId": {"__rl": True, "mode": "id", "value": "={{ $json.companyId }}"},
                "operation": "update",
                "updateFields": {"yearFounded": "1999", "twitterHandle": "acme"},
            },
            {
                "operation": "update_company",
                "object_id": "{{ trigger.companyId }}",
                "properties": {"founded_year": "1999", "twitterhandle": "acme"},
            },
        ),
    ],
)
def test_each_operation_becomes_its_hubspot_config(params, config):
    node = converted("hubspot", params)
    assert node["type"] == "app.hubspot"
    assert node["config"] == config
    assert "choose a HubSpot credential" in node["notes"]


def test_version_2_defaults_to_contacts_where_version_1_defaults_to_deals():
    params = {"email": "a@b.c", "additionalFields": {"firstName": "Ada"}}
    assert converted("hubspot", params, 2)["config"] == {
        "operation": "upsert_contact",
        "email": "a@b.c",
        "properties": {"firstname": "Ada"},
    }
    search = {
        "operation": "search",
        "filterGroupsUi": {
            "filterGroupsValues": [
                {
                    "filtersUi": {
                        "filterValues": [
                            {
                                "operator": "NOT_HAS_PROPERTY",
                                "propertyName": "notes_last_contacted|datetime",
                            }
                        ]
                    }
                }
            ]
        },
    }
    config = converted("hubspot", search, 2)["config"]
    assert config["operation"] == "search_contacts"
    assert config["filter_groups"] == [
        {"filters": [{"propertyName": "notes_last_contacted", "operator": "NOT_HAS_PROPERTY"}]}
    ]
    assert converted("hubspot", {"stage": "closedwon"}, 1)["config"]["operation"] == "create_deal"


def test_search_and_return_all_say_what_they_do():
    node = converted("hubspot", {"resource": "contact", "operation": "getAll", "returnAll": True})
    assert node["config"]["max_results"] == 1000
    assert "n8n read every contact; WorkFuse reads at most 1000." in node["notes"]
    assert "properties.<name>.value" in node["notes"]


def test_an_upsert_reading_properties_back_says_what_it_outputs():
    params = {"resource": "contact", "email": "a@b.c", "additionalFields": {"properties": ["x"]}}
    node = converted("hubspot", params)
    assert node["config"] == {"operation": "upsert_contact", "email": "a@b.c"}
    assert "n8n read the upserted contact's chosen properties back" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "ticket", "ticketName": "x"}, "does 'ticket / create', which WorkFuse's"),
        ({"resource": "engagement", "operation": "delete"}, "does 'engagement / delete'"),
        ({"resource": "company", "operation": "getAll"}, "does 'company / getAll'"),
        ({"resource": "contact", "operation": "delete"}, "does 'contact / delete'"),
        (
            {"resource": "company", "operation": "searchByDomain", "domain": ""},
            "names no domain",
        ),
        (
            {
                "resource": "company",
                "operation": "searchByDomain",
                "domain": "acme.com",
                "options": {"offset": 3},
            },
            "sets the search option(s) offset",
        ),
        (
            {"resource": "contact", "email": "a@b.c", "additionalFields": {"hairColor": "red"}},
            "sets the additional field(s) hairColor, which WorkFuse's HubSpot node does not send",
        ),
        ({"additionalFields": {"dealName": "x"}}, "names no deal stage"),
        ({"resource": "contact", "additionalFields": {}}, "names no email"),
    ],
)
def test_what_the_hubspot_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("hubspot", params)
    assert "'App' (n8n-nodes-base.hubspot)" in message
    assert said in message


def test_lists_and_searches_say_where_their_items_lie():
    assert spec_items("hubspot", {"resource": "contact", "operation": "getAll"}, 1) == "results"
    assert spec_items("hubspot", {"operation": "search"}, 1) == "results"
    assert spec_items("hubspot", {"resource": "contact", "email": "a@b.c"}, 1) is None


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_reads_the_legacy_fields_of_the_upserted_contact(alice, settings):
    """Corpus workflow 0094's shape: upsert a contact, then upsert again by the email read as
    n8n's legacy `properties.email.value`, and keep the legacy `vid`."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single(
        "hubspot",
        {
            "email": "ada@example.com",
            "resource": "contact",
            "additionalFields": {"firstName": "Ada"},
        },
    )
    data["nodes"].append(
        {
            **data["nodes"][1],
            "name": "Stage",
            "parameters": {
                "email": '={{$node["App"].json["properties"]["email"]["value"]}}',
                "resource": "contact",
                "additionalFields": {
                    "lifeCycleStage": "opportunity",
                    "customPropertiesUi": {
                        "customPropertiesValues": [
                            {"property": "legacy_vid", "value": "={{ $json.vid }}"}
                        ]
                    },
                },
            },
            "position": [480, 0],
        }
    )
    data["connections"]["App"] = {"main": [[{"node": "Stage", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeHubSpot()) as hubspot:
        credential = store.create(
            alice, "CRM", "hubspot", {"access_token": TOKEN, "base_url": hubspot.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.hubspot":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [contact] = hubspot.records["contacts"]
    assert contact["properties"]["lifecyclestage"] == "opportunity"
    assert contact["properties"]["legacy_vid"] == contact["id"]
    assert contact["properties"]["firstname"] == "Ada"


def test_search_by_domain_becomes_a_company_search_on_the_domain_property():
    params = {
        "resource": "company",
        "operation": "searchByDomain",
        "domain": "={{ $json.domain }}",
        "limit": 1,
        "options": {"properties": ["name", "domain"]},
    }
    node = converted("hubspot", params, 2)
    assert node["config"] == {
        "operation": "search_companies",
        "filter_groups": [
            {
                "filters": [
                    {
                        "propertyName": "domain",
                        "operator": "EQ",
                        "value": "{% set d %}{{ trigger.domain }}{% endset %}{{ d.replace("
                        "'https://', '', 1) if 'https://' in d else d.replace('http://', '', 1) }}",
                    }
                ]
            }
        ],
        "max_results": 1,
        "return_properties": ["name", "domain"],
    }
    assert "legacy search by domain" in node["notes"]
    assert spec_items("hubspot", params, 2) == "results"


@pytest.mark.django_db(transaction=True)
def test_a_company_found_by_domain_is_updated_and_its_contact_associated(alice, settings):
    """Corpus workflow 0431's shape: search the company by a domain given as a URL, update each
    company found by the legacy `companyId`, then upsert a contact with associatedCompanyId."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single(
        "hubspot",
        {
            "resource": "company",
            "operation": "searchByDomain",
            "domain": "=https://{{ $json.domain }}",
            "limit": 1,
            "options": {},
        },
        version=2,
        name="Search company",
    )
    later = [
        (
            "Update company",
            {
                "resource": "company",
                "operation": "update",
                "companyId": {"__rl": True, "mode": "id", "value": "={{ $json.companyId }}"},
                "updateFields": {"description": "Found by domain"},
            },
        ),
        (
            "Upsert contact",
            {
                "email": "ada@acme.com",
                "resource": "contact",
                "additionalFields": {"associatedCompanyId": "={{ $json.companyId }}"},
            },
        ),
    ]
    previous = "Search company"
    for i, (name, params) in enumerate(later):
        data["nodes"].append(
            {**data["nodes"][1], "name": name, "parameters": params, "position": [480 + i, 0]}
        )
        data["connections"][previous] = {"main": [[{"node": name, "type": "main", "index": 0}]]}
        previous = name
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeHubSpot()) as hubspot:
        acme = hubspot.add("companies", name="Acme", domain="acme.com")
        hubspot.add("companies", name="Other", domain="other.com")
        credential = store.create(
            alice, "CRM", "hubspot", {"access_token": TOKEN, "base_url": hubspot.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.hubspot":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {"domain": "acme.com"})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [contact] = hubspot.records["contacts"]
        search = hubspot.requests[0]
    assert search.path == "/crm/v3/objects/companies/search"
    assert search.json["filterGroups"][0]["filters"][0]["value"] == "acme.com"
    assert acme["properties"]["description"] == "Found by domain"
    assert hubspot.associations == [(contact["id"], acme["id"], 1)]
