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


# --- seconds: drafts get and getAll ---------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (  # the corpus's (wesley 0221): version 1's default resource is the draft
            {"limit": 1, "operation": "getAll", "additionalFields": {}},
            {
                "operation": "get_drafts",
                "simple": False,
                "download_attachments": True,
                "max_results": 1,
            },
        ),
        (
            {
                "resource": "draft",
                "operation": "getAll",
                "returnAll": True,
                "additionalFields": {"format": "ids", "includeSpamTrash": True},
            },
            {
                "operation": "get_drafts",
                "ids_only": True,
                "include_spam_trash": True,
                "max_results": MAX_RESULTS,
            },
        ),
        (
            {"resource": "draft", "operation": "get", "messageId": "={{ $json.id }}"},
            {
                "operation": "get_draft",
                "draft_id": "{{ trigger.id }}",
                "simple": False,
                "download_attachments": True,
            },
        ),
    ],
)
def test_version_1_drafts_become_get_draft_and_get_drafts(params, config):
    node = v1(params)
    assert {k: v for k, v in node["config"].items() if k != "credential"} == config


def test_version_2_drafts_are_read_parsed_with_their_attachments():
    node = converted({"resource": "draft", "operation": "getAll", "limit": 5})
    assert node["config"] == {
        "operation": "get_drafts",
        "simple": False,
        "download_attachments": True,
        "max_results": 5,
    }
    one = converted({"resource": "draft", "operation": "get", "messageId": "r-1"})
    assert one["config"]["draft_id"] == "r-1" and one["config"]["simple"] is False


def test_drafts_getall_declares_its_list():
    assert spec_items({"resource": "draft", "operation": "getAll"}) == "drafts"


@pytest.mark.django_db(transaction=True)
def test_an_imported_version_1_drafts_list_stars_each_draft_s_message(alice, gmail):
    drafts = [gmail.draft(message(subject=f"Offer {n}")) for n in range(2)]
    gmail.deliver(message(subject="Not a draft"))
    data = export(
        [
            manual(),
            {
                "name": "Drafts",
                "type": f"{BASE}gmail",
                "typeVersion": 1,
                "parameters": {"operation": "getAll", "additionalFields": {}},
            },
            {
                "name": "Star",
                "type": f"{BASE}gmail",
                "typeVersion": 1,
                "parameters": {
                    "resource": "messageLabel",
                    "messageId": "={{ $json.messageId }}",
                    "labelIds": ["STARRED"],
                },
            },
        ],
        [("Start", 0, "Drafts", 0), ("Drafts", 0, "Star", 0)],
    )
    graph = choose(convert(data), oauth_credential(alice, gmail))
    assert validate_graph(graph) == []

    execution = engine.start_execution(make_workflow(alice, graph), {})

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    listed = execution.steps.get(key="drafts").output["drafts"]
    assert [d["id"] for d in listed] == drafts[::-1]
    assert [d["subject"] for d in listed] == ["Offer 1", "Offer 0"]
    starred = {m.id for m in gmail.messages.values() if "STARRED" in m.label_ids}
    assert starred == {gmail.drafts[d] for d in drafts}
