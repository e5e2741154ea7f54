"""Importing n8n's Pipedrive node and Pipedrive Trigger (editor/n8n/apps_pipedrive.py): the
config each supported operation becomes (from the corpus's own settings), the refusals, where
many-item operations put their items, the trigger as a webhook whose body is Pipedrive's
event, and an imported workflow run in the engine against the fake Pipedrive."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.pipedrive import API_TOKEN, FakePipedrive
from tests.test_n8n_apps import BASE, converted, refusal, single, spec_items


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (  # the resource and operation n8n leaves out: a deal, created
            {"title": "={{ $json.Name }} Deal", "additionalFields": {}},
            {
                "resource": "deal",
                "operation": "create",
                "fields": {"title": "{{ trigger.Name | n8n_text }} Deal"},
            },
        ),
        (
            {
                "name": "={{ $json.name }}",
                "resource": "person",
                "additionalFields": {
                    "email": ["={{ $json.email }}"],
                    "org_id": "={{ $json.id }}",
                    "customProperties": {
                        "property": [
                            {
                                "name": "aa8c534fc3ea812ffe8b155290873293b9950c3a",
                                "value": "={{ $json.title }}",
                            }
                        ]
                    },
                },
            },
            {
                "resource": "person",
                "operation": "create",
                "fields": {
                    "name": "{{ trigger.name }}",
                    "email": ["{{ trigger.email }}"],
                    "org_id": "{{ trigger.id }}",
                    "aa8c534fc3ea812ffe8b155290873293b9950c3a": '{{ trigger["title"] }}',
                },
            },
        ),
        (
            {
                "title": "={{ $json.name }} lead",
                "resource": "lead",
                "person_id": "={{ $json.id }}",
                "associateWith": "person",
                "additionalFields": {
                    "organization_id": 12,
                    "value": {"valueProperties": {"amount": 500, "currency": "EUR"}},
                    "expected_close_date": "2026-12-24T00:00:00",
                },
            },
            {
                "resource": "lead",
                "operation": "create",
                "fields": {
                    "title": "{{ trigger.name | n8n_text }} lead",
                    "person_id": "{{ trigger.id }}",
                    "organization_id": 12,
                    "value": {"amount": 500, "currency": "EUR"},
                    "expected_close_date": "2026-12-24",
                },
            },
        ),
        (
            {"content": "={{ $json.text }}", "resource": "note", "additionalFields": {"org_id": 7}},
            {
                "resource": "note",
                "operation": "create",
                "fields": {"content": "{{ trigger.text }}", "org_id": 7},
            },
        ),
        (
            {
                "subject": "Call",
                "type": "call",
                "resource": "activity",
                "additionalFields": {"deal_id": 3},
            },
            {
                "resource": "activity",
                "operation": "create",
                "fields": {"subject": "Call", "done": "0", "type": "call", "deal_id": 3},
            },
        ),
        (
            {
                "resource": "organization",
                "operation": "update",
                "organizationId": "={{ $json.meta.id }}",
                "encodeProperties": True,
                "updateFields": {
                    "customProperties": {
                        "property": [{"name": "=Website", "value": "={{ $json.url }}"}]
                    },
                    "label": "null",
                },
            },
            {
                "resource": "organization",
                "operation": "update",
                "record_id": "{{ trigger.meta.id }}",
                "fields": {"Website": "{{ trigger.url }}", "label": None},
                "custom_field_names": True,
            },
        ),
        (
            {
                "personId": "={{ $json.id }}",
                "resource": "person",
                "operation": "get",
                "resolveProperties": True,
            },
            {
                "resource": "person",
                "operation": "get",
                "record_id": "{{ trigger.id }}",
                "custom_field_names": True,
            },
        ),
        (
            {
                "resource": "person",
                "operation": "getAll",
                "additionalFields": {"firstChar": "a", "filterId": 4},
            },
            {
                "resource": "person",
                "operation": "get_many",
                "max_results": 100,
                "filters": {"first_char": "a", "filter_id": 4},
            },
        ),
        (
            {
                "resource": "deal",
                "operation": "getAll",
                "returnAll": True,
                "filters": {"status": "open"},
            },
            {
                "resource": "deal",
                "operation": "get_many",
                "max_results": 5000,
                "filters": {"status": "open"},
            },
        ),
        (
            {
                "term": "={{ $json.email }}",
                "limit": 1,
                "resource": "person",
                "operation": "search",
                "additionalFields": {"includeFields": "", "exactMatch": True, "fields": "email"},
            },
            {
                "resource": "person",
                "operation": "search",
                "max_results": 1,
                "term": "{{ trigger.email }}",
                "exact_match": True,
                "search_fields": "email",
            },
        ),
        (
            {
                "term": "Acme",
                "resource": "organization",
                "operation": "search",
                "additionalFields": {"fields": ["name", "notes"]},
            },
            {
                "resource": "organization",
                "operation": "search",
                "max_results": 100,
                "term": "Acme",
                "search_fields": "name,notes",
            },
        ),
        (
            {
                "leadId": "adf21080-0e10-11eb-879b-05d71fb426ec",
                "resource": "lead",
                "operation": "delete",
            },
            {
                "resource": "lead",
                "operation": "delete",
                "record_id": "adf21080-0e10-11eb-879b-05d71fb426ec",
            },
        ),
    ],
)
def test_each_operation_becomes_its_pipedrive_config(params, config):
    node = converted("pipedrive", params)
    assert node["type"] == "app.pipedrive"
    assert node["config"] == config
    assert "choose a Pipedrive credential (an API token)" in node["notes"]


def test_a_deal_without_its_association_leaves_the_zero_id_out_with_a_note():
    node = converted("pipedrive", {"title": "T"})
    assert node["config"]["fields"] == {"title": "T"}
    assert "n8n sent org_id 0" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "file"}, "does 'file / create', which WorkFuse's Pipedrive node does not"),
        ({"resource": "note", "operation": "search", "term": "x"}, "does 'note / search'"),
        ({"resource": "person", "operation": "get"}, "names no person; set the personId"),
        ({"authentication": "oAuth2", "title": "x"}, "signs in with OAuth2"),
        (
            {"resource": "deal", "operation": "update", "dealId": 3, "updateFields": {}},
            "updates no field; add one under Update Fields",
        ),
        (
            {
                "resource": "person",
                "operation": "search",
                "term": "x",
                "additionalFields": {"rawData": True},
            },
            "sets RAW Data",
        ),
        (
            {"resource": "lead", "operation": "get", "leadId": "x", "resolveProperties": True},
            "sets resolveProperties on leads",
        ),
    ],
)
def test_what_the_pipedrive_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("pipedrive", params)
    assert "'App' (n8n-nodes-base.pipedrive)" in message
    assert said in message


def test_lists_and_searches_say_where_their_items_lie():
    assert spec_items("pipedrive", {"resource": "deal", "operation": "getAll"}, 1) == "items"
    assert (
        spec_items("pipedrive", {"resource": "person", "operation": "search", "term": "a"}, 1)
        == "items"
    )
    assert spec_items("pipedrive", {"resource": "person", "name": "a"}, 1) is None


def with_trigger(params: dict, node_params: dict) -> dict:
    data = single("pipedrive", node_params)
    data["nodes"][0] = {
        "parameters": params,
        "name": "Pipedrive Trigger",
        "type": f"{BASE}pipedriveTrigger",
        "typeVersion": 1,
        "position": [0, 0],
    }
    data["connections"] = {"Pipedrive Trigger": data["connections"].pop("Start")}
    return data


def test_the_trigger_is_a_webhook_whose_body_is_pipedrives_event():
    note = {
        "content": "=New: {{ $json.current.name }}",
        "resource": "note",
        "additionalFields": {"org_id": "={{ $('Pipedrive Trigger').item.json.meta.id }}"},
    }
    graph = convert(with_trigger({"action": "added", "object": "organization"}, note))
    assert validate_graph(graph) == []
    trigger, app = graph["nodes"]
    assert trigger["type"] == "trigger.webhook"
    assert trigger["config"] == {
        "methods": ["POST"],
        "response": "immediate",
        "auth": "none",
        "header_name": "Authorization",
    }
    assert "event action added and event object organization" in trigger["notes"]
    assert "base64 of user:password" in trigger["notes"]
    assert app["config"]["fields"] == {
        "content": "New: {{ trigger.body.current.name | n8n_text }}",
        "org_id": "{{ trigger.body.meta.id }}",
    }


def test_a_trigger_that_checked_basic_auth_says_so():
    graph = convert(with_trigger({"incomingAuthentication": "basicAuth"}, {"title": "x"}))
    notes = graph["nodes"][0]["notes"]
    assert "n8n checked the webhook's HTTP basic auth" in notes
    assert "any change of any object" in notes


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_notes_each_new_organization(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    note = {
        "content": "=Welcome {{ $json.current.name }}",
        "resource": "note",
        "additionalFields": {"org_id": "={{ $json.meta.id }}"},
    }
    graph = convert(with_trigger({"action": "added", "object": "organization"}, note))
    with running(FakePipedrive()) as pipedrive:
        credential = store.create(
            alice, "CRM", "pipedrive", {"api_token": API_TOKEN, "base_url": pipedrive.url}
        )
        graph["nodes"][1]["config"]["credential"] = credential.pk
        event = {
            "v": 1,
            "event": "added.organization",
            "meta": {"id": 42, "object": "organization", "action": "added"},
            "current": {"id": 42, "name": "Acme"},
            "previous": None,
        }
        request = {"method": "POST", "headers": {}, "query": {}, "body": event}
        execution = engine.start_execution(make_workflow(alice, graph), request)
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        [saved] = pipedrive.records["notes"]
    assert (saved["content"], saved["org_id"]) == ("Welcome Acme", 42)
