"""Importing n8n's Microsoft Outlook node (editor/n8n/apps_outlook.py): send, update and move
become app.outlook configs, other operations and unsupported fields are refused naming the node
and the construct, and an imported update runs against the fake Microsoft Graph."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from editor.graph import ImportRefused
from editor.n8n import convert
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.outlook import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeOutlook
from tests.test_n8n_items import export, manual

BASE = "n8n-nodes-base."
RL = {"__rl": True, "mode": "id"}


def outlook_node(params: dict[str, Any], version: float = 2) -> dict[str, Any]:
    return {
        "name": "Outlook",
        "type": f"{BASE}microsoftOutlook",
        "typeVersion": version,
        "parameters": params,
    }


def converted(params: dict[str, Any], version: float = 2) -> dict[str, Any]:
    graph = convert(export([manual(), outlook_node(params, version)], [("Start", 0, "Outlook", 0)]))
    return next(n for n in graph["nodes"] if n["label"] == "Outlook")


def refusal(params: dict[str, Any], version: float = 2) -> str:
    with pytest.raises(ImportRefused) as refused:
        converted(params, version)
    return refused.value.issues[0].message


def test_send_is_the_default_operation():
    node = converted(
        {
            "toRecipients": "a@b.co, c@d.co",
            "subject": "Hi",
            "bodyContent": "<p>x</p>",
            "additionalFields": {"importance": "High", "ccRecipients": "e@f.co"},
        }
    )
    assert node["type"] == "app.outlook"
    assert node["config"] == {
        "operation": "send",
        "to": ["a@b.co", "c@d.co"],
        "subject": "Hi",
        "body": "<p>x</p>",
        "cc": ["e@f.co"],
        "importance": "High",
    }
    assert "choose a Microsoft Outlook OAuth2 credential" in node["notes"]


def test_update_and_move_read_the_resource_locators():
    update = converted(
        {
            "operation": "update",
            "messageId": {**RL, "value": "={{ $json.id }}"},
            "updateFields": {"categories": "={{ [$json.category] }}", "isRead": True},
        }
    )
    move = converted(
        {
            "operation": "move",
            "messageId": {**RL, "value": "AAMk1="},
            "folderId": {
                "__rl": True,
                "mode": "list",
                "value": "AQMkArchive==",
                "cachedResultName": "Archive",
            },
        }
    )
    assert update["config"]["operation"] == "update"
    assert update["config"]["message_id"] == "{{ trigger.id }}"
    assert update["config"]["is_read"] is True and "category" in str(update["config"]["categories"])
    assert move["config"] == {
        "operation": "move",
        "message_id": "AAMk1=",
        "folder_id": "AQMkArchive==",
    }


def test_refusals_name_the_node_and_the_construct():
    assert "does 'message / delete'" in refusal({"operation": "delete"})
    said = refusal(
        {
            "operation": "update",
            "messageId": {**RL, "value": "x"},
            "updateFields": {"bodyContent": "new"},
        }
    )
    assert said.startswith(
        f"n8n node 'Outlook' ({BASE}microsoftOutlook): sets the update fields bodyContent"
    )
    assert "updateFields.folderId" in refusal(
        {
            "operation": "update",
            "messageId": {**RL, "value": "x"},
            "updateFields": {"folderId": "f"},
        }
    )
    assert "binary data" in refusal(
        {"toRecipients": "a@b.co", "additionalFields": {"attachments": {"attachments": [{}]}}}
    )
    assert "version 1" in refusal({"resource": "message"}, 1)


@pytest.fixture
def outlook(settings: Any) -> Iterator[FakeOutlook]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeOutlook()) as fake:
        yield fake


@pytest.mark.django_db(transaction=True)
def test_an_imported_update_tags_the_message(alice, outlook):
    ident = outlook.deliver("Invoice 9")
    data = export(
        [
            manual(),
            outlook_node(
                {
                    "operation": "update",
                    "messageId": {**RL, "value": "={{ $json.id }}"},
                    "updateFields": {"categories": "={{ [$json.category] }}", "importance": "High"},
                }
            ),
        ],
        [("Start", 0, "Outlook", 0)],
    )
    graph = convert(data)
    credential = store.create(
        alice,
        "Ada's Outlook",
        "outlook",
        {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": REFRESH_TOKEN,
            "base_url": outlook.base_url,
            "token_url": outlook.token_url,
        },
    )
    node = next(n for n in graph["nodes"] if n["type"] == "app.outlook")
    node["config"]["credential"] = credential.pk  # the user's one choice
    assert validate_graph(graph) == []

    execution = engine.start_execution(
        make_workflow(alice, graph), {"id": ident, "category": "Billing"}
    )

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert outlook.messages[ident]["categories"] == ["Billing"]
    assert outlook.messages[ident]["importance"] == "High"
