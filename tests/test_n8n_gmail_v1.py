"""n8n's Gmail node version 1 imported (editor/n8n/apps_gmail.py, "version 1"): recipients as
lists, the HTML part beside the text, messages read 'resolved' (parsed, attachments kept) or as
ids, message labels as their own resource; and, run against the fake Gmail, an imported
clean-up (getAll ids → delete each) and a relabelling (getAll → remove a label from each)."""

from __future__ import annotations

from typing import Any

import pytest

from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from integrations.gmail.node import MAX_RESULTS
from tests.engine_helpers import make_workflow
from tests.fakes.gmail import message
from tests.test_n8n_gmail import BASE, choose, converted, gmail, oauth_credential, spec_items
from tests.test_n8n_items import export, manual

__all__ = ["gmail"]  # the fixture, shared


def v1(params: dict[str, Any]) -> dict[str, Any]:
    return converted(params, 1)


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "resource": "message",
                "toList": ["={{ $json.email }}", "boss@example.com"],
                "subject": "Your order",
                "message": "=Hi {{ $json.name }}",
                "includeHtml": True,
                "htmlMessage": "<p>Hi</p>",
                "additionalFields": {"ccList": ["cc@example.com"], "senderName": "Shop"},
            },
            {
                "operation": "send",
                "to": ["{{ trigger.email }}", "boss@example.com"],
                "subject": "Your order",
                "text": "Hi {{ trigger.name | n8n_text }}",
                "html": "<p>Hi</p>",
                "cc": ["cc@example.com"],
                "sender_name": "Shop",
            },
        ),
        (
            {
                "resource": "message",
                "operation": "getAll",
                "returnAll": True,
                "additionalFields": {"q": "is:unread", "format": "ids"},
            },
            {
                "operation": "get_many",
                "query": "is:unread",
                "ids_only": True,
                "max_results": MAX_RESULTS,
            },
        ),
        (
            {
                "resource": "message",
                "operation": "getAll",
                "additionalFields": {"labelIds": ["Label_1"]},
            },
            {
                "operation": "get_many",
                "label_ids": ["Label_1"],
                "simple": False,
                "download_attachments": True,
                "max_results": 10,
            },
        ),
        (
            {
                "resource": "messageLabel",
                "operation": "remove",
                "messageId": "={{ $json.id }}",
                "labelIds": ["UNREAD"],
            },
            {
                "operation": "remove_labels",
                "message_id": "{{ trigger.id }}",
                "label_ids": ["UNREAD"],
            },
        ),
        (
            {"resource": "messageLabel", "messageId": "m1", "labelIds": ["Label_2"]},
            {"operation": "add_labels", "message_id": "m1", "label_ids": ["Label_2"]},
        ),
        (
            {"resource": "message", "operation": "delete", "messageId": "m1"},
            {"operation": "delete", "message_id": "m1"},
        ),
    ],
)
def test_each_version_1_operation_becomes_its_app_gmail_config(params, config):
    node = v1(params)
    assert node["type"] == "app.gmail"
    assert {k: v for k, v in node["config"].items() if k != "credential"} == config


def test_formats_other_than_resolved_say_what_differs():
    node = v1(
        {"resource": "message", "operation": "getAll", "additionalFields": {"format": "full"}}
    )
    assert node["config"]["simple"] is False
    assert "Gmail's 'full' JSON" in node["notes"]


def test_getall_declares_its_list_in_version_1_too():
    assert spec_items({"resource": "message", "operation": "getAll"}) == "messages"


@pytest.mark.django_db(transaction=True)
def test_an_imported_version_1_clean_up_deletes_each_listed_message(alice, gmail):
    keep = gmail.deliver(message(subject="Keep me"))
    gone = [gmail.deliver(message(subject=f"Unsubscribe {n}")) for n in range(2)]
    data = export(
        [
            manual(),
            {
                "name": "List",
                "type": f"{BASE}gmail",
                "typeVersion": 1,
                "parameters": {
                    "resource": "message",
                    "operation": "getAll",
                    "returnAll": True,
                    "additionalFields": {"q": "unsubscribe", "format": "ids"},
                },
            },
            {
                "name": "Delete",
                "type": f"{BASE}gmail",
                "typeVersion": 1,
                "parameters": {
                    "resource": "message",
                    "operation": "delete",
                    "messageId": "={{ $json.id }}",
                },
            },
        ],
        [("Start", 0, "List", 0), ("List", 0, "Delete", 0)],
    )
    graph = choose(convert(data), oauth_credential(alice, gmail))
    assert validate_graph(graph) == []

    execution = engine.start_execution(make_workflow(alice, graph), {})

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert set(gmail.messages) == {keep}
    assert not set(gone) & set(gmail.messages)
