"""Importing n8n's Zendesk node (editor/n8n/apps_zendesk.py) onto `app.zendesk`: the config each
supported operation becomes (from the corpus's own settings), the refusals, where searches put
their items, and an imported workflow run in the engine against the fake Zendesk."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.zendesk import API_TOKEN, EMAIL, FakeZendesk
from tests.test_n8n_apps import converted, refusal, single, spec_items


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "description": "=Order #{{ $json.order_number }}",
                "additionalFields": {
                    "status": "open",
                    "subject": "=Order #{{ $json.order_number }}",
                    "externalId": "={{ $json.order_number }}",
                    "tags": ["shop"],
                },
            },
            {
                "operation": "create_ticket",
                "comment": "Order #{{ trigger.order_number | n8n_text }}",
                "subject": "Order #{{ trigger.order_number | n8n_text }}",
                "fields": {
                    "status": "open",
                    "external_id": "{{ trigger.order_number }}",
                    "tags": ["shop"],
                },
            },
        ),
        (
            {
                "description": "Hi",
                "jsonParameters": True,
                "additionalFieldsJson": '{"priority": "high", "requester": {"email": "a@b.c"}}',
            },
            {
                "operation": "create_ticket",
                "comment": "Hi",
                "fields": {"priority": "high", "requester": {"email": "a@b.c"}},
            },
        ),
        (
            {
                "id": "={{ $json.id }}",
                "operation": "update",
                "updateFields": {
                    "internalNote": "=Summary: {{ $json.summary }}",
                    "customFieldsUi": {
                        "customFieldsValues": [{"id": 3447, "value": "={{ $json.t }}"}]
                    },
                    "assigneeEmail": "ops@acme.io",
                },
            },
            {
                "operation": "update_ticket",
                "ticket_id": "{{ trigger.id }}",
                "comment": "Summary: {{ trigger.summary | n8n_text }}",
                "comment_public": False,
                "comment_html": True,
                "fields": {
                    "custom_fields": [{"id": 3447, "value": "{{ trigger.t }}"}],
                    "assignee_email": "ops@acme.io",
                },
            },
        ),
        (
            {
                "id": "7",
                "operation": "update",
                "updateFields": {"publicReply": "Done", "internalNote": "x"},
            },
            {"operation": "update_ticket", "ticket_id": "7", "comment": "Done"},
        ),
        ({"id": "7", "operation": "get"}, {"operation": "get_ticket", "ticket_id": "7"}),
        (
            {
                "options": {"query": "assignee:none status<pending"},
                "operation": "getAll",
                "returnAll": True,
            },
            {
                "operation": "search_tickets",
                "query": "assignee:none status<pending",
                "max_results": 1000,
            },
        ),
        (
            {
                "options": {"query": "external_id:1027", "status": "open", "sortBy": "created_at"},
                "operation": "getAll",
                "limit": 5,
            },
            {
                "operation": "search_tickets",
                "query": "external_id:1027 status:open",
                "sort_by": "created_at",
                "max_results": 5,
            },
        ),
        (
            {
                "name": "={{ $json.name }}",
                "resource": "user",
                "additionalFields": {
                    "email": "={{ $json.email }}",
                    "role": "end-user",
                    "userFieldsUi": {"userFieldValues": [{"field": "plan", "value": "pro"}]},
                },
            },
            {
                "operation": "create_user",
                "name": "{{ trigger.name }}",
                "email": "{{ trigger.email }}",
                "fields": {"role": "end-user", "user_fields": {"plan": "pro"}},
            },
        ),
        (
            {
                "id": "501",
                "resource": "user",
                "operation": "update",
                "updateFields": {"name": "Ada", "phone": "+44"},
            },
            {
                "operation": "update_user",
                "user_id": "501",
                "name": "Ada",
                "fields": {"phone": "+44"},
            },
        ),
        (
            {"id": "501", "resource": "user", "operation": "get"},
            {"operation": "get_user", "user_id": "501"},
        ),
        (
            {
                "resource": "user",
                "operation": "search",
                "filters": {"query": "email:a@b.c"},
                "limit": 10,
            },
            {"operation": "search_users", "query": "email:a@b.c", "max_results": 10},
        ),
    ],
)
def test_each_operation_becomes_its_zendesk_config(params, config):
    node = converted("zendesk", params)
    assert node["type"] == "app.zendesk"
    assert node["config"] == config
    assert "choose a Zendesk credential" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        (
            {"operation": "delete", "id": "1"},
            "does 'ticket / delete', which WorkFuse's Zendesk node",
        ),
        ({"resource": "organization", "operation": "getAll"}, "does 'organization / getAll'"),
        ({"operation": "get", "ticketType": "suspended", "id": "1"}, "reads suspended tickets"),
        ({"operation": "update"}, "names no ticket; set the Ticket ID"),
        ({"description": "x", "additionalFields": {"priority": "high"}}, "sets priority"),
        (
            {"description": "x", "jsonParameters": True, "additionalFieldsJson": "{oops"},
            "is not JSON",
        ),
        (
            {"resource": "user", "operation": "search", "filters": {"external_id": "9"}},
            "other filters than a query",
        ),
    ],
)
def test_what_the_zendesk_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("zendesk", params)
    assert "'App' (n8n-nodes-base.zendesk)" in message
    assert said in message


def test_searches_say_where_their_items_lie():
    assert spec_items("zendesk", {"operation": "getAll"}, 1) == "items"
    assert spec_items("zendesk", {"description": "x"}, 1) is None


@pytest.mark.django_db(transaction=True)
def test_an_imported_workflow_notes_each_unassigned_ticket(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = single("zendesk", {"options": {"query": "assignee:none"}, "operation": "getAll"})
    data["nodes"].append(
        {
            **data["nodes"][1],
            "name": "Note",
            "parameters": {
                "id": "={{ $json.id }}",
                "operation": "update",
                "updateFields": {"internalNote": "=Triage {{ $json.subject }}"},
            },
            "position": [480, 0],
        }
    )
    data["connections"]["App"] = {"main": [[{"node": "Note", "type": "main", "index": 0}]]}
    graph = convert(data)
    assert validate_graph(graph) == []
    with running(FakeZendesk()) as zendesk:
        zendesk.ticket("Printer")
        zendesk.ticket("Login", assignee_id=9)
        zendesk.ticket("VPN")
        credential = store.create(
            alice,
            "Support",
            "zendesk",
            {"subdomain": "acme", "email": EMAIL, "api_token": API_TOKEN, "base_url": zendesk.url},
        )
        for node in graph["nodes"]:
            if node["type"] == "app.zendesk":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        notes = {k: [c["html_body"] for c in v] for k, v in zendesk.comments.items()}
    assert notes == {1: ["Triage Printer"], 3: ["Triage VPN"]}
