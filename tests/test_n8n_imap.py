"""The import of n8n's Email Trigger (IMAP) (editor/n8n/apps_imap.py) as trigger.poll's imap
source: n8n's defaults, its custom email rules, formats and attachments (which later nodes read
as files), refusals that say what to change, and an imported workflow polling the fake IMAP
server."""

from __future__ import annotations

from typing import Any

import pytest

from credentials import store
from editor.graph import ImportRefused
from editor.n8n import convert
from editor.validation import validate_graph
from executions.models import Execution
from tests.fakes.imap import PASSWORD, USER, FakeImap, message
from tests.test_feeds import n8n_export, n8n_node
from tests.test_poll_trigger import active, poll_now


def trigger(params: dict[str, Any], version: float = 2) -> dict[str, Any]:
    graph = convert(n8n_export(n8n_node("Mail", "emailReadImap", params, version), links=[]))
    assert validate_graph(graph) == []
    [node] = graph["nodes"]
    assert node["type"] == "trigger.poll"
    return node


def test_n8ns_defaults_become_an_unseen_poll_of_inbox_that_marks_read():
    node = trigger({"options": {}})
    assert node["config"] == {
        "source": "imap",
        "imap_mailbox": "INBOX",
        "imap_search": ["UNSEEN"],
        "imap_format": "simple",
        "imap_mark_read": True,
        "id_field": "id",
        "interval_seconds": 60,
    }
    assert "choose a IMAP server credential" in node["notes"]
    assert "IMAP IDLE" in node["notes"]


def test_rules_nothing_and_attachments_are_carried_over():
    params = {
        "mailbox": "Invoices",
        "postProcessAction": "nothing",
        "downloadAttachments": True,
        "options": {"customEmailConfig": '["UNSEEN", ["FROM", "billing@example.com"]]'},
    }
    config = trigger(params)["config"]
    assert config["imap_mailbox"] == "Invoices"
    assert config["imap_search"] == ["UNSEEN", ["FROM", "billing@example.com"]]
    assert config["imap_mark_read"] is False and config["imap_download_attachments"] is True


def test_a_later_node_reads_an_attachment_as_a_file():
    data = n8n_export(
        n8n_node("Mail", "emailReadImap", {"format": "resolved", "options": {}}, 2),
        n8n_node(
            "Extract",
            "extractFromFile",
            {"operation": "pdf", "binaryPropertyName": "attachment_0"},
            1,
        ),
        links=[("Mail", "Extract")],
    )
    graph = convert(data)
    extract = next(n for n in graph["nodes"] if n["label"] == "Extract")
    assert extract["config"]["file"] == "{{ trigger.attachments[0] }}"


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"options": {"customEmailConfig": '["OR", "x"]'}}, "custom email rules"),
        ({"options": {"customEmailConfig": "={{ $json.rules }}"}}, "with an expression"),
        ({"format": "eml", "options": {}}, "format 'eml'"),
    ],
)
def test_what_a_poll_cannot_do_is_refused_by_name(params, reason):
    with pytest.raises(ImportRefused) as refused:
        convert(n8n_export(n8n_node("Mail", "emailReadImap", params), links=[]))
    [issue] = refused.value.issues
    assert issue.message.startswith("n8n node 'Mail' (n8n-nodes-base.emailReadImap): ")
    assert reason in issue.message


@pytest.mark.django_db(transaction=True)
def test_an_imported_trigger_polls_the_mailbox(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    fake = FakeImap()
    try:
        data = n8n_export(
            n8n_node("Mail", "emailReadImap", {"postProcessAction": "read", "options": {}}),
            n8n_node(
                "Note",
                "set",
                {
                    "assignments": {
                        "assignments": [
                            {"name": "s", "value": "={{ $json.subject }}", "type": "string"}
                        ]
                    }
                },
                3.4,
            ),
            links=[("Mail", "Note")],
        )
        graph = convert(data)
        value = {
            "password": PASSWORD,
            "host": "127.0.0.1",
            "port": fake.port,
            "security": "none",
            "user": USER,
        }
        graph["nodes"][0]["config"]["credential"] = store.create(alice, "m", "imap", value).pk
        workflow = active(alice, graph)
        assert poll_now(workflow) == 0
        uid = fake.deliver(message(subject="Order 7"))
        assert poll_now(workflow) == 1
        run = Execution.objects.get(workflow=workflow)
        assert run.status == "succeeded", run.error
        assert run.steps.get(key="note").output["result"] == {"s": "Order 7"}
        assert fake.seen(uid)
    finally:
        fake.close()
