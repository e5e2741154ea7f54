"""Importing n8n's Gmail node and Gmail Trigger (editor/n8n/apps_gmail.py): each operation's
config, n8n's defaults (HTML since version 2.1, its attribution line, drafts and sent messages
in the trigger by version), refusals naming the node and the construct, where many-item
operations put their items, and imported workflows run against the fake Gmail: getAll feeding a
per-item Set, and a Gmail Trigger labelling each new message."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from editor.graph import ImportRefused
from editor.models import Workflow
from editor.n8n import SPECS, SUB_NODES, convert
from editor.n8n.converter import Converter
from editor.validation import validate_graph
from executions import engine
from executions.models import Execution
from tests.engine_helpers import make_workflow
from tests.fakes import running
from tests.fakes.gmail import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeGmail, message
from tests.test_n8n_items import export, manual
from tests.test_poll_trigger import active, poll_now

BASE = "n8n-nodes-base."


def gmail_node(params: dict[str, Any], version: float = 2.1, name: str = "Gmail") -> dict:
    return {"name": name, "type": f"{BASE}gmail", "typeVersion": version, "parameters": params}


def converted(params: dict[str, Any], version: float = 2.1) -> dict[str, Any]:
    graph = convert(export([manual(), gmail_node(params, version)], [("Start", 0, "Gmail", 0)]))
    return next(n for n in graph["nodes"] if n["label"] == "Gmail")


def test_a_limit_from_an_expression_is_filled_in_by_the_run():
    """The Gmail tools of n8n agent templates take their limit from the model ($fromAI)."""
    node = converted({"operation": "getAll", "limit": "={{ $json.limit }}"})
    assert node["config"]["max_results"] == "{{ trigger.limit }}"
    assert "above 100, WorkFuse reads 100" in node["notes"]


def trigger(params: dict[str, Any], version: float = 1.2) -> dict[str, Any]:
    node = {"name": "Gmail Trigger", "type": f"{BASE}gmailTrigger", "typeVersion": version}
    graph = convert(export([{**node, "parameters": params}], []))
    return graph["nodes"][0]


def refusal(params: dict[str, Any], version: float = 2.1) -> str:
    with pytest.raises(ImportRefused) as refused:
        converted(params, version)
    return refused.value.issues[0].message


@pytest.mark.parametrize(
    ("params", "config"),
    [
        (
            {
                "operation": "reply",
                "messageId": "={{ $json.id }}",
                "message": "Thanks",
                "emailType": "text",
                "options": {"replyToSenderOnly": True, "senderName": "Ada"},
            },
            {
                "operation": "reply",
                "message_id": "{{ trigger.id }}",
                "text": "Thanks",
                "reply_to_sender_only": True,
                "sender_name": "Ada",
            },
        ),
        (
            {
                "resource": "draft",
                "subject": "Hi",
                "message": "<p>x</p>",
                "options": {"sendTo": "a@b.co", "threadId": "={{ $json.threadId }}"},
            },
            {
                "operation": "create_draft",
                "subject": "Hi",
                "html": "<p>x</p>",
                "to": ["a@b.co"],
                "thread_id": "{{ trigger.threadId }}",
            },
        ),
        (
            {
                "operation": "get",
                "messageId": "18c1",
                "simple": False,
                "options": {"downloadAttachments": True},
            },
            {
                "operation": "get",
                "message_id": "18c1",
                "simple": False,
                "download_attachments": True,
            },
        ),
        (
            {
                "operation": "getAll",
                "limit": 10,
                "filters": {
                    "q": "has:attachment",
                    "sender": "bob@x.org",
                    "readStatus": "unread",
                    "labelIds": ["INBOX"],
                },
            },
            {
                "operation": "get_many",
                "query": "has:attachment from:bob@x.org is:unread",
                "label_ids": ["INBOX"],
                "max_results": 10,
            },
        ),
        (
            {"operation": "addLabels", "messageId": "18c1", "labelIds": ["Label_1", "STARRED"]},
            {"operation": "add_labels", "message_id": "18c1", "label_ids": ["Label_1", "STARRED"]},
        ),
        (
            {"operation": "markAsRead", "messageId": "18c1"},
            {"operation": "mark_read", "message_id": "18c1"},
        ),
        (
            {
                "resource": "thread",
                "operation": "removeLabels",
                "threadId": "t1",
                "labelIds": ["UNREAD"],
            },
            {"operation": "remove_thread_labels", "thread_id": "t1", "label_ids": ["UNREAD"]},
        ),
        (
            {"resource": "thread", "returnAll": True},
            {"operation": "get_threads", "max_results": 100},
        ),
        (
            {"resource": "label", "returnAll": True},
            {"operation": "list_labels", "max_results": 100},
        ),
        (
            {"resource": "label", "operation": "get", "labelId": "Label_1"},
            {"operation": "get_label", "label_id": "Label_1"},
        ),
        (
            {"resource": "label", "operation": "create", "name": "Invoices"},
            {"operation": "create_label", "label_name": "Invoices"},
        ),
    ],
)
def test_each_operation_becomes_its_app_gmail_config(params, config):
    node = converted(params)
    assert node["type"] == "app.gmail"
    assert node["config"] == config
    assert "choose a Gmail OAuth2 credential" in node["notes"]


def test_send_defaults_follow_the_node_version():
    params = {"sendTo": "a@b.co, c@d.co", "subject": "s", "message": "m"}
    new, old = converted(params, 2.1), converted(params, 2)
    assert new["config"] == {
        "operation": "send",
        "to": ["a@b.co", "c@d.co"],
        "subject": "s",
        "html": "m",
    }
    assert old["config"]["text"] == "m"
    assert "sent automatically with n8n" in new["notes"]  # 2.1 appends it unless turned off
    assert "sent automatically with n8n" not in old["notes"]
    quiet = converted({**params, "options": {"appendAttribution": False}}, 2.1)
    assert "sent automatically with n8n" not in quiet["notes"]


def test_refusals_name_the_node_and_the_construct():
    waits = {"operation": "sendAndWait", "sendTo": "a@b.co", "subject": "s", "message": "m"}
    said = refusal({**waits, "options": {"limitWaitTime": {"values": {"resumeAmount": 1}}}})
    assert said.startswith(f"n8n node 'Gmail' ({BASE}gmail): limits the wait time")
    said = refusal(
        {
            "sendTo": "a@b.co",
            "subject": "s",
            "message": "m",
            "options": {"attachmentsUi": {"attachmentsBinary": [{"property": "data"}]}},
        }
    )
    # ops: version 2 attaches the input item's files; here no node before it makes one
    assert "reads the file in binary property 'data' of its input item" in said
    assert "does 'draft / delete'" in refusal({"resource": "draft", "operation": "delete"})
    assert "does 'draft / create'" in refusal({}, 1)  # version 1's default resource: drafts
    said = refusal({"operation": "getAll", "filters": {"receivedAfter": "={{ $json.d }}T00:00"}})
    assert "filters by receivedAfter with text around its expression" in said


def spec_items(params: dict[str, Any]) -> str | None:
    cx = Converter(
        export([manual(), gmail_node(params)], [("Start", 0, "Gmail", 0)]), SPECS, SUB_NODES
    )
    cx.run()
    return cx.spec_of("Gmail").items


def test_many_item_operations_declare_their_lists():
    assert spec_items({"operation": "getAll"}) == "messages"
    assert spec_items({"resource": "thread"}) == "threads"
    assert spec_items({"resource": "label"}) == "labels"
    thread = {"resource": "thread", "operation": "get", "threadId": "t"}
    assert spec_items({**thread, "options": {"returnOnlyMessages": True}}) == "messages"
    assert spec_items(thread) is None
    assert spec_items({"sendTo": "a@b.co", "subject": "s", "message": "m"}) is None


def test_the_trigger_becomes_a_gmail_poll_with_n8ns_filters():
    node = trigger(
        {
            "simple": False,
            "filters": {
                "q": "has:attachment",
                "sender": "invoices@paypal.com",
                "readStatus": "unread",
                "labelIds": ["INBOX"],
            },
            "options": {"downloadAttachments": True},
            "pollTimes": {"item": [{"mode": "everyX", "unit": "minutes", "value": 5}]},
        }
    )
    assert node["type"] == "trigger.poll"
    assert node["config"] == {
        "source": "gmail",
        "id_field": "id",
        "gmail_query": "has:attachment",
        "gmail_sender": "invoices@paypal.com",
        "gmail_read_status": "unread",
        "gmail_label_ids": ["INBOX"],
        "gmail_include_drafts": False,
        "gmail_skip_sent": False,
        "gmail_simple": False,
        "gmail_download_attachments": True,
        "interval_seconds": 300,
    }
    assert "file values in the list attachments" in node["notes"]
    assert "one run per new message" in node["notes"]


def test_the_trigger_version_decides_drafts_and_sent_messages():
    everything = {"pollTimes": {"item": [{"mode": "everyMinute"}]}}
    assert trigger(everything, 1)["config"]["gmail_include_drafts"] is True
    assert trigger(everything, 1.2)["config"]["gmail_include_drafts"] is False
    assert trigger(everything, 1.2)["config"]["gmail_skip_sent"] is False
    assert trigger(everything, 1.3)["config"]["gmail_skip_sent"] is True


# --- imported workflows, run ---------------------------------------------------------------------


@pytest.fixture
def gmail(settings: Any) -> Iterator[FakeGmail]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeGmail()) as fake:
        yield fake


def oauth_credential(owner: Any, fake: FakeGmail) -> int:
    value = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
        "base_url": fake.url,
        "token_url": fake.token_url,
    }
    return store.create(owner, "Ada's Gmail", "gmail", value).pk


def choose(graph: dict[str, Any], credential: int) -> dict[str, Any]:
    """The user's one choice after importing: the credential of each Gmail node."""
    for node in graph["nodes"]:
        if node["type"] in ("app.gmail", "trigger.poll"):
            node["config"]["credential"] = credential
    return graph


@pytest.mark.django_db(transaction=True)
def test_an_imported_get_all_feeds_each_message_to_the_next_node(alice, gmail):
    gmail.deliver(message(subject="Invoice 1", sender="Bob <bob@x.org>"))
    gmail.deliver(message(subject="Invoice 2", sender="Cy <cy@x.org>"))
    summary = {
        "name": "Summary",
        "type": f"{BASE}set",
        "typeVersion": 3.4,
        "parameters": {
            "assignments": {
                "assignments": [
                    {
                        "id": "1",
                        "name": "line",
                        "type": "string",
                        "value": "={{ $json.from.value[0].address }}: {{ $json.subject }}",
                    }
                ]
            }
        },
    }
    data = export(
        [
            manual(),
            gmail_node({"operation": "getAll", "simple": False, "filters": {"q": "invoice"}}),
            summary,
        ],
        [("Start", 0, "Gmail", 0), ("Gmail", 0, "Summary", 0)],
    )
    graph = choose(convert(data), oauth_credential(alice, gmail))
    assert validate_graph(graph) == []

    execution = engine.start_execution(make_workflow(alice, graph), {})

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    loop = execution.steps.get(key="each_gmail").output
    assert [r["result"]["line"] for r in loop["results"]] == [
        "cy@x.org: Invoice 2",  # newest first, as Gmail lists them
        "bob@x.org: Invoice 1",
    ]


@pytest.mark.django_db(transaction=True)
def test_an_imported_gmail_trigger_labels_each_new_message(alice, gmail):
    done = gmail.add_label("Done")
    label = gmail_node(
        {"operation": "addLabels", "messageId": "={{ $json.id }}", "labelIds": [done]},
        name="Label it",
    )
    data = export(
        [
            {
                "name": "Gmail Trigger",
                "type": f"{BASE}gmailTrigger",
                "typeVersion": 1.2,
                "parameters": {
                    "simple": False,
                    "filters": {},
                    "pollTimes": {"item": [{"mode": "everyMinute"}]},
                },
            },
            label,
        ],
        [("Gmail Trigger", 0, "Label it", 0)],
    )
    graph = choose(convert(data), oauth_credential(alice, gmail))
    assert validate_graph(graph) == []
    gmail.deliver(message(subject="Before"))
    workflow: Workflow = active(alice, graph)
    assert poll_now(workflow) == 0

    new = gmail.deliver(message(subject="After"))
    assert poll_now(workflow) == 1

    run = Execution.objects.get(workflow=workflow)
    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    assert done in gmail.messages[new].label_ids
    assert run.trigger_data["subject"] == "After"


@pytest.mark.django_db(transaction=True)
def test_received_after_and_before_join_the_search_as_n8n_adds_them(alice, gmail):
    """n8n appends ` after:<epoch seconds>` and ` before:<epoch seconds>` to the query, from an
    ISO date, a Luxon DateTime ($now.minus) or a timestamp, at run time."""
    for n in range(3):  # received at 1767000000, +60 and +120 seconds
        gmail.deliver(message(subject=f"Invoice {n}", message_id=f"<m-{n}@x.org>"))
    params = {
        "operation": "getAll",
        "filters": {
            "q": "invoice",
            "receivedAfter": "2025-12-29T09:20:30Z",  # 1767000030
            "receivedBefore": "={{ $json.before }}",
        },
    }
    config = converted(params)["config"]
    assert config["query"].startswith("invoice {{ n8n(")
    assert config["query"].count("n8n(") == 2
    data = export(
        [manual(), gmail_node(params, name="Gmail")],
        [("Start", 0, "Gmail", 0)],
    )
    credential = oauth_credential(alice, gmail)
    graph = choose(convert(data), credential)
    assert validate_graph(graph) == []

    for before, subjects in (
        (1767000090, ["Invoice 1"]),
        ("1767000200000", ["Invoice 2", "Invoice 1"]),
    ):
        execution = engine.start_execution(make_workflow(alice, graph), {"before": before})
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        got = execution.steps.get(key="gmail").output["messages"]
        assert [m["Subject"] for m in got] == subjects
        assert searches(gmail)[-1] == [
            f"invoice after:1767000030 before:{1767000090 if before == 1767000090 else 1767000200}"
        ]

    when = {"operation": "getAll", "filters": {"receivedAfter": "={{ $now.minus({days: 1}) }}"}}
    graph = choose(
        convert(export([manual(), gmail_node(when)], [("Start", 0, "Gmail", 0)])), credential
    )
    execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert execution.steps.get(key="gmail").output["messages"] == []  # all older than a day
    after = int(searches(gmail)[-1][0].removeprefix("after:"))
    assert abs(after - (execution.started_at.timestamp() - 86400)) < 120


def searches(gmail: FakeGmail) -> list[list[str]]:
    return [r.query.get("q", []) for r in gmail.requests if r.path.endswith("/messages")]
