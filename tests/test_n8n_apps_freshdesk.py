"""Importing n8n's Freshdesk node (editor/n8n/apps_freshdesk.py) onto `app.freshdesk`: the config
each ticket operation becomes (n8n's create defaults kept), the refusals (the corpus's ticket
with an empty requester among them), and an imported ticket creation run in the engine against
the fake Freshdesk."""

from __future__ import annotations

import pytest

from credentials import store
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.freshdesk import KEY, FakeFreshdesk
from tests.test_n8n_apps import converted, refusal, single

CORPUS = {
    "options": {"tags": "refund", "subject": '={{$node["IF1"].json["message"]["text"]}}'},
    "requester": "email",
    "requesterIdentificationValue": "",
}


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "requesterIdentificationValue": "77",
                "options": {
                    "tags": "refund, vip",
                    "subject": "Hi",
                    "group": 5,
                    "ccEmails": "a@b.c",
                },
            },
            {
                "operation": "create_ticket",
                "requester": "requester_id",
                "requester_value": "77",
                "status": "pending",
                "priority": "low",
                "source": "portal",
                "tags": ["refund", "vip"],
                "subject": "Hi",
                "fields": {"group_id": 5, "cc_emails": ["a@b.c"]},
            },
        ),
        (
            {
                "requester": "email",
                "requesterIdentificationValue": "ada@example.com",
                "status": "open",
                "priority": "urgent",
                "source": "OutboundEmail",
            },
            {
                "operation": "create_ticket",
                "requester": "email",
                "requester_value": "ada@example.com",
                "status": "open",
                "priority": "urgent",
                "source": "outbound_email",
            },
        ),
        ({"operation": "get", "ticketId": "42"}, {"operation": "get_ticket", "ticket_id": "42"}),
        (
            {"operation": "delete", "ticketId": "42"},
            {"operation": "delete_ticket", "ticket_id": "42"},
        ),
        (
            {
                "operation": "update",
                "ticketId": "42",
                "updateFields": {"status": "resolved", "type": "Refund"},
            },
            {
                "operation": "update_ticket",
                "ticket_id": "42",
                "status": "resolved",
                "fields": {"type": "Refund"},
            },
        ),
    ],
)
def test_each_ticket_operation_becomes_its_freshdesk_config(params, config):
    node = converted("freshdesk", params)
    assert node["type"] == "app.freshdesk"
    assert node["config"] == config
    assert "choose a Freshdesk credential" in node["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        (CORPUS, "names no requester (its email Value is empty"),
        ({"resource": "contact", "operation": "create"}, "does 'contact / create'"),
        ({"operation": "get"}, "names no Ticket ID"),
        (
            {"requesterIdentificationValue": "1", "options": {"unknown": "x"}},
            "ticket option unknown",
        ),
    ],
)
def test_what_the_freshdesk_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("freshdesk", params)
    assert "'App' (n8n-nodes-base.freshdesk)" in message
    assert said in message


@pytest.mark.django_db(transaction=True)
def test_an_imported_ticket_creation_runs(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    params = CORPUS | {
        "requesterIdentificationValue": "ada@example.com",
        "options": {"tags": "refund", "subject": "Refund for order 7"},
    }
    graph = convert(single("freshdesk", params, name="Freshdesk"))
    assert validate_graph(graph) == []
    with running(FakeFreshdesk()) as freshdesk:
        credential = store.create(
            alice, "Support", "freshdesk", {"api_key": KEY, "base_url": freshdesk.url}
        )
        for node in graph["nodes"]:
            if node["type"] == "app.freshdesk":
                node["config"]["credential"] = credential.pk
        execution = engine.start_execution(make_workflow(alice, graph), {})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        ticket = freshdesk.tickets[1]
    assert ticket["email"] == "ada@example.com" and ticket["tags"] == ["refund"]
    assert (ticket["status"], ticket["priority"], ticket["source"]) == (3, 1, 2)
