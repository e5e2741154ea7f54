"""trigger.poll's outlook source against the fake Microsoft (tests/fakes/outlook.py) and the
import of n8n's Microsoft Outlook Trigger and the Outlook node's message getAll
(editor/n8n/apps_outlook.py): the first poll records the mailbox, each new message starts one
run shaped as n8n's trigger outputs it, and an imported trigger polls the fake."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from editor.graph import ImportRefused
from editor.n8n import convert, import_n8n
from editor.nodes import trigger_poll
from editor.validation import validate_graph
from executions.models import Execution
from integrations.outlook import new_mail
from tests.app_nodes import run_app
from tests.fakes import running
from tests.fakes.outlook import CLIENT_ID, CLIENT_SECRET, MAILBOX, REFRESH_TOKEN, FakeOutlook
from tests.test_n8n_apps import BASE
from tests.test_poll_trigger import active, poll_now
from workfuse.lib.node_run import Secret


@pytest.fixture
def outlook(settings: Any) -> Iterator[FakeOutlook]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeOutlook()) as fake:
        fake.deliver("Old news")
        yield fake


def secret(fake: FakeOutlook) -> Secret:
    value = {"client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN}
    settings = {"client_id": CLIENT_ID, "base_url": fake.base_url, "token_url": fake.token_url}
    return Secret("outlook", value, settings, name="Ada's Outlook")


def credential(owner: Any, fake: FakeOutlook) -> int:
    value = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
        "base_url": fake.base_url,
        "token_url": fake.token_url,
    }
    return store.create(owner, "Ada's Outlook", "outlook", value).pk


def outlook_graph(credential: int, **settings: Any) -> dict[str, Any]:
    config = {
        "source": "outlook",
        "credential": credential,
        "id_field": "id",
        "interval_seconds": 60,
        **settings,
    }
    trigger = {"id": "new_mail", "type": "trigger.poll", "config": config}
    note = {
        "id": "note",
        "type": "utility.transform",
        "config": {"language": "template", "expression": "{{ trigger.subject }}"},
    }
    return {"nodes": [trigger, note], "edges": [{"source": "new_mail", "target": "note"}]}


def test_messages_are_simplified_as_n8ns_trigger_does_or_read_by_field(outlook):
    [simple] = new_mail.poll_messages(secret(outlook), {})
    assert simple == {
        "id": next(iter(outlook.messages)),
        "conversationId": None,
        "subject": "Old news",
        "bodyPreview": "About Old news",
        "from": "bob@example.com",
        "to": [MAILBOX],
        "categories": [],
        "hasAttachments": None,
    }
    query = outlook.requests[-1].query
    assert query["$select"] == [new_mail.SIMPLE_SELECT]
    assert query["$orderby"] == ["receivedDateTime desc"]
    settings = {
        "outlook_output": "fields",
        "outlook_fields": ["subject", "body"],
        "outlook_filter": "isRead eq false",
        "outlook_folder_id": "inbox",
    }
    [chosen] = new_mail.poll_messages(secret(outlook), settings)
    assert set(chosen) == {"id", "subject", "body"}
    asked = outlook.requests[-1]
    assert asked.path == "/v1.0/me/mailFolders/inbox/messages"
    assert asked.query["$filter"] == [f"{new_mail.EVER} and (isRead eq false)"]
    outlook.messages[chosen["id"]]["isRead"] = True
    assert new_mail.poll_messages(secret(outlook), settings) == []


def test_the_settings_ask_for_fields_when_the_output_is_fields():
    with pytest.raises(ValidationError) as caught:
        trigger_poll.Config.model_validate({"source": "outlook", "outlook_output": "fields"})
    assert caught.value.errors()[0]["loc"] == ("outlook_fields",)
    config = trigger_poll.Config.model_validate({"source": "outlook", "outlook_folder_id": "inbox"})
    assert trigger_poll.asks(config) == "Outlook inbox"
    assert "outlook" in trigger_poll.NODE.credential_kinds


@pytest.mark.django_db(transaction=True)
def test_each_new_message_starts_one_run(alice, outlook):
    workflow = active(alice, outlook_graph(credential(alice, outlook)))
    assert poll_now(workflow) == 0  # the first poll records what is there
    ident = outlook.deliver("Invoice 12")
    assert poll_now(workflow) == 1
    assert poll_now(workflow) == 1
    run = Execution.objects.get(workflow=workflow)
    assert run.status == "succeeded", run.error
    assert run.trigger_data["id"] == ident and run.trigger_data["from"] == "bob@example.com"
    assert run.steps.get(key="note").output["result"] == "Invoice 12"


# --- the import ---------------------------------------------------------------------------------

# The Microsoft Outlook Trigger of "Analyze Suspicious Email Contents with ChatGPT Vision".
TRIGGER = {
    "fields": ["body", "toRecipients", "subject", "bodyPreview"],
    "output": "fields",
    "filters": {},
    "options": {},
    "pollTimes": {"item": [{"mode": "everyMinute"}]},
}
# The getAll of "Auto Categorise Outlook Emails with AI".
GET_ALL = {
    "limit": 1,
    "fields": ["flag", "from", "subject", "body", "categories", "isRead"],
    "output": "fields",
    "options": {},
    "filtersUI": {
        "values": {
            "filters": {
                "custom": "flag/flagStatus eq 'notFlagged' and not categories/any()",
                "foldersToInclude": [
                    "AQMkAGE3ZTU5MGMzLTFkNGItNGQ5Zi04MDQ1LThmNGFlMTVhYjMwYgAuAAA="
                ],
            }
        }
    },
    "operation": "getAll",
}


def export(node_type: str, params: dict[str, Any]) -> dict[str, Any]:
    first = {
        "parameters": copy.deepcopy(params),
        "name": "Outlook",
        "type": f"{BASE}{node_type}",
        "typeVersion": 1 if node_type.endswith("Trigger") else 2,
        "position": [0, 0],
        "credentials": {"microsoftOutlookOAuth2Api": {"id": "3", "name": "Ada"}},
    }
    nodes = [first]
    if not node_type.endswith("Trigger"):
        nodes.insert(
            0,
            {
                "parameters": {},
                "name": "Start",
                "type": f"{BASE}manualTrigger",
                "typeVersion": 1,
                "position": [-240, 0],
            },
        )
    nodes.append(
        {
            "parameters": {"channel": "#mail", "text": "={{ $json.subject }}"},
            "name": "Tell",
            "type": f"{BASE}slack",
            "typeVersion": 1,
            "position": [240, 0],
        }
    )
    connections = {"Outlook": {"main": [[{"node": "Tell", "type": "main", "index": 0}]]}}
    if len(nodes) == 3:
        connections["Start"] = {"main": [[{"node": "Outlook", "type": "main", "index": 0}]]}
    return {"name": "Mail", "nodes": nodes, "connections": connections}


def test_the_trigger_becomes_an_outlook_poll():
    graph = convert(export("microsoftOutlookTrigger", TRIGGER))
    assert validate_graph(graph) == []
    trigger = next(n for n in graph["nodes"] if n["type"] == "trigger.poll")
    assert trigger["config"] == {
        "source": "outlook",
        "outlook_output": "fields",
        "outlook_fields": ["body", "toRecipients", "subject", "bodyPreview"],
        "id_field": "id",
        "interval_seconds": 60,
    }
    assert "WorkFuse starts one per new message" in trigger["notes"]
    [slack] = [n for n in graph["nodes"] if n["type"] == "app.slack"]
    assert slack["config"]["text"] == "{{ trigger.subject }}"


def test_trigger_filters_are_written_as_n8n_writes_them():
    params = {
        **TRIGGER,
        "filters": {"sender": "bob@example.com", "readStatus": "unread", "hasAttachments": True},
    }
    trigger = next(
        n
        for n in convert(export("microsoftOutlookTrigger", params))["nodes"]
        if n["id"] == "outlook"
    )
    assert trigger["config"]["outlook_filter"] == (
        "(from/emailAddress/address eq 'bob@example.com' or from/emailAddress/name eq "
        "'bob@example.com') and hasAttachments eq true and isRead eq false"
    )


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"options": {"downloadAttachments": True}}, "downloads the attachments"),
        ({"filters": {"foldersToInclude": ["a", "b"]}}, "from 2 folders"),
        ({"filters": {"foldersToExclude": ["a"]}}, "by foldersToExclude"),
        ({"event": "messageSent"}, "starts on 'messageSent'"),
    ],
)
def test_what_the_poll_cannot_do_is_refused_by_name(params, says):
    with pytest.raises(ImportRefused) as refused:
        convert(export("microsoftOutlookTrigger", {**TRIGGER, **params}))
    [issue] = refused.value.issues
    assert "(n8n-nodes-base.microsoftOutlookTrigger)" in issue.message and says in issue.message


@pytest.mark.django_db(transaction=True)
def test_an_imported_trigger_polls_the_mailbox(alice, outlook):
    graph = convert(export("microsoftOutlookTrigger", {**TRIGGER, "output": "simple"}))
    graph["nodes"][0]["config"]["credential"] = credential(alice, outlook)
    note = {
        "id": "note",
        "type": "utility.transform",
        "config": {"language": "template", "expression": "{{ trigger.from }}"},
    }
    graph["nodes"] = [graph["nodes"][0], note]
    graph["edges"] = [{"source": graph["nodes"][0]["id"], "target": "note"}]
    workflow = active(alice, graph)
    assert poll_now(workflow) == 0
    outlook.deliver("Hello", sender="eve@example.com")
    assert poll_now(workflow) == 1
    run = Execution.objects.get(workflow=workflow)
    assert run.steps.get(key="note").output["result"] == "eve@example.com"


def test_get_all_becomes_get_many_of_the_folder_with_n8ns_filter_and_a_loop():
    graph = convert(export("microsoftOutlook", GET_ALL))
    assert validate_graph(graph) == []
    [node] = [n for n in graph["nodes"] if n["type"] == "app.outlook"]
    assert node["config"] == {
        "operation": "get_many",
        "folder_id": "AQMkAGE3ZTU5MGMzLTFkNGItNGQ5Zi04MDQ1LThmNGFlMTVhYjMwYgAuAAA=",
        "filter": "flag/flagStatus eq 'notFlagged' and not categories/any()",
        "fields": ["flag", "from", "subject", "body", "categories", "isRead"],
        "max_results": 1,
    }
    [loop] = [n for n in graph["nodes"] if n["type"] == "logic.loop"]
    assert loop["config"]["items"] == "{{ nodes.outlook.messages }}"


def test_get_all_simplified_asks_for_n8ns_simplified_messages(outlook):
    node = next(
        n
        for n in convert(export("microsoftOutlook", {**GET_ALL, "output": "simple"}))["nodes"]
        if n["type"] == "app.outlook"
    )
    assert node["config"]["simple"] is True and "fields" not in node["config"]
    output = run_app("app.outlook", {"operation": "get_many", "simple": True}, secret(outlook))
    assert output["messages"][0]["from"] == "bob@example.com"
    assert outlook.requests[-1].query["$select"] == [new_mail.SIMPLE_SELECT]


def test_the_report_asks_for_an_outlook_credential():
    [slot] = import_n8n(export("microsoftOutlookTrigger", TRIGGER)).report.credentials
    assert slot.kind == "outlook"
