"""Reading email over IMAP (integrations/imap) with the real imaplib client against a fake
IMAP4rev1 server on 127.0.0.1 (tests/fakes/imap.py): messages in n8n's simple, resolved and raw
shapes, attachments as file values, the search criteria, read leaving mail unread unless asked,
the poll (first check records, one run per new message, marked read once the runs are
committed), a refused login naming the credential without its password, and the guard."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from editor.models import Poll
from editor.nodes import trigger_poll
from executions import engine
from executions.models import Execution
from integrations.imap import client, node
from tests.engine_helpers import make_workflow
from tests.fakes.imap import PASSWORD, USER, FakeImap, message
from tests.test_poll_trigger import active, poll_now
from workfuse.lib.node_run import NodeError, Secret

PDF = b"%PDF-1.4 fake invoice"


@pytest.fixture
def imap(settings: Any) -> Iterator[FakeImap]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    fake = FakeImap()
    try:
        yield fake
    finally:
        fake.close()


def secret(fake: FakeImap, password: str = PASSWORD) -> Secret:
    settings = {"host": "127.0.0.1", "port": fake.port, "security": "none", "user": USER}
    return Secret("imap", {"password": password}, settings, name="Ada's mailbox")


def read(fake: FakeImap, **options: Any) -> list[dict[str, Any]]:
    defaults: dict[str, Any] = {"shape": "simple", "download_attachments": False, "limit": 20}
    return node.read(secret(fake), "INBOX", options.pop("search", ["UNSEEN"]), **defaults | options)


def test_simple_gives_n8ns_fields_and_leaves_the_message_unread(imap):
    uid = imap.deliver(
        message(html="<p>Hello <b>Ada</b></p>", headers={"X-Tag": "=?utf-8?q?caf=C3=A9?="})
    )

    [item] = read(imap)

    assert item["from"] == "Bob <bob@example.com>" and item["to"] == "ada@example.com"
    assert item["subject"] == "Invoice 42" and item["date"] == "Tue, 01 Dec 2026 10:00:00 +0000"
    assert item["textPlain"] == "Hello Ada,\nthe invoice is attached.\n"
    assert item["textHtml"] == "<p>Hello <b>Ada</b></p>\n"
    assert item["metadata"]["x-tag"] == "café" and "message-id" in item["metadata"]
    assert "subject" not in item["metadata"] and "attachments" not in item
    assert (item["id"], item["uid"]) == (f"7:{uid}", uid)
    assert not imap.seen(uid)  # BODY.PEEK: reading leaves it unread
    assert any("BODY.PEEK[]" in line for line in imap.commands)


def test_attachments_come_as_file_values_when_asked(imap):
    imap.deliver(message(attachments=(("invoice.pdf", "application/pdf", PDF),)))

    [item] = read(imap, download_attachments=True)

    [attachment] = item["attachments"]
    assert attachment["filename"] == "invoice.pdf"
    assert attachment["content_type"] == "application/pdf"
    assert base64.b64decode(attachment["content"]) == PDF


def test_resolved_is_mailparsers_shape_and_raw_the_body(imap):
    imap.deliver(message(attachments=(("a.pdf", "application/pdf", PDF),)))

    [resolved] = read(imap, shape="resolved")
    [raw] = read(imap, shape="raw")

    assert resolved["from"]["value"] == [{"address": "bob@example.com", "name": "Bob"}]
    assert resolved["text"].startswith("Hello Ada") and resolved["subject"] == "Invoice 42"
    assert resolved["date"] == "2026-12-01T10:00:00.000Z"
    assert [a["filename"] for a in resolved["attachments"]] == ["a.pdf"]
    assert "Hello Ada" in raw["raw"] and "Subject:" not in raw["raw"]


def test_the_search_reads_only_matching_unseen_mail_newest_last(imap):
    imap.deliver(message(subject="Old"), seen=True)
    imap.deliver(message(subject="From Eve", sender="eve@example.com"))
    wanted = imap.deliver(message(subject="From Bob"))

    found = read(imap, search=["UNSEEN", ["FROM", "bob@example.com"]])

    assert [m["uid"] for m in found] == [wanted]
    assert 'UID SEARCH UNSEEN FROM "bob@example.com"' in " ".join(imap.commands)


def test_mark_read_sets_the_seen_flag(imap):
    uid = imap.deliver(message())
    read(imap, mark_read=True)
    assert imap.seen(uid)
    assert read(imap) == []


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (["UNSEEN"], "UNSEEN"),
        (
            [["SINCE", "2026-05-20"], ["SUBJECT", 'say "hi"']],
            'SINCE 20-May-2026 SUBJECT "say \\"hi\\""',
        ),
        (
            [["SENTBEFORE", "May 20, 2010"], ["LARGER", 100], ["UID", "10:*"]],
            "SENTBEFORE 20-May-2010 LARGER 100 UID 10:*",
        ),
        ([], "ALL"),
    ],
)
def test_n8n_search_criteria_become_imap_search_terms(criteria, expected):
    assert client.search_terms(criteria) == expected


@pytest.mark.parametrize(
    "criteria", [["OR"], [["FROM", "a\r\nLOGOUT"]], [["SINCE", "yesterday"]], [{"x": 1}]]
)
def test_searches_imap_cannot_carry_are_refused_naming_the_entry(criteria):
    with pytest.raises(ValueError, match="entry 1"):
        client.search_terms(criteria)


def test_a_refused_login_names_the_credential_without_the_password(imap):
    with pytest.raises(NodeError) as refused:
        node.read(
            secret(imap, "wrong-pass"),
            "INBOX",
            ["UNSEEN"],
            shape="simple",
            download_attachments=False,
            limit=5,
        )
    assert (
        "Ada's mailbox" in refused.value.message and "AUTHENTICATIONFAILED" in refused.value.message
    )
    assert "wrong-pass" not in refused.value.message and not refused.value.retryable


def test_an_unknown_mailbox_and_a_private_server_say_why(imap, settings):
    with pytest.raises(NodeError, match="no mailbox 'Nope'"):
        node.read(
            secret(imap), "Nope", ["ALL"], shape="simple", download_attachments=False, limit=5
        )
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    with pytest.raises(NodeError, match=r"Refused to connect to 127\.0\.0\.1"):
        client.check(secret(imap))


def test_test_connection_logs_in_and_counts_inbox(imap):
    imap.deliver(message())
    said = client.check(secret(imap))
    assert said.startswith(f"Connected to the IMAP server 127.0.0.1:{imap.port} with no encryption")
    assert "INBOX holds 1 messages" in said


# --- in workflows ------------------------------------------------------------------------------


def imap_credential(owner: Any, fake: FakeImap) -> int:
    value = {
        "password": PASSWORD,
        "host": "127.0.0.1",
        "port": fake.port,
        "security": "none",
        "user": USER,
    }
    return store.create(owner, "Ada's mailbox", "imap", value).pk


@pytest.mark.django_db(transaction=True)
def test_app_imap_reads_in_a_run_without_storing_the_password(alice, imap):
    imap.deliver(message(subject="Hello"))
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual", "config": {}},
            {
                "id": "mail",
                "type": "app.imap",
                "config": {"credential": imap_credential(alice, imap), "operation": "get_many"},
            },
        ],
        "edges": [{"source": "start", "target": "mail"}],
    }
    execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    output = execution.steps.get(key="mail").output
    assert output["count"] == 1 and output["messages"][0]["subject"] == "Hello"
    assert PASSWORD not in str(output)


def mail_poll(credential: int, **settings: Any) -> dict[str, Any]:
    form = {"preset": "imap_messages", "credential": credential, "interval_seconds": 60}
    config = trigger_poll.fill_form(form | settings)
    assert config["source"] == "imap" and config["id_field"] == "id"
    trigger = {"id": "new_mail", "type": "trigger.poll", "config": config}
    note = {
        "id": "note",
        "type": "utility.transform",
        "config": {
            "language": "template",
            "expression": "{{ trigger.from }}: {{ trigger.subject }}",
        },
    }
    return {"nodes": [trigger, note], "edges": [{"source": "new_mail", "target": "note"}]}


@pytest.mark.django_db(transaction=True)
def test_the_poll_starts_one_run_per_new_message_and_marks_it_read(alice, imap):
    unread_before = imap.deliver(message(subject="Before activation"))
    workflow = active(alice, mail_poll(imap_credential(alice, imap)))
    assert poll_now(workflow) == 0  # the first check only records
    assert not imap.seen(unread_before)  # and leaves the mail it found alone

    uid = imap.deliver(message(subject="Invoice 43"))
    assert poll_now(workflow) == 1
    assert imap.seen(uid)
    assert poll_now(workflow) == 1  # read now: no second run

    run = Execution.objects.get(workflow=workflow)
    assert run.status == "succeeded", run.error
    assert run.trigger_data["id"] == f"7:{uid}"
    assert run.steps.get(key="note").output["result"] == "Bob <bob@example.com>: Invoice 43"
    assert not imap.seen(unread_before)


@pytest.mark.django_db(transaction=True)
def test_with_nothing_as_the_action_mail_stays_unread_and_runs_once(alice, imap):
    workflow = active(alice, mail_poll(imap_credential(alice, imap), imap_mark_read=False))
    poll_now(workflow)
    uid = imap.deliver(message())
    assert poll_now(workflow) == 1
    assert poll_now(workflow) == 1  # remembered by its UID
    assert not imap.seen(uid)


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_is_shown_on_the_poll_without_it(alice, imap):
    value = {
        "password": "not-it-9f",
        "host": "127.0.0.1",
        "port": imap.port,
        "security": "none",
        "user": USER,
    }
    credential = store.create(alice, "Ada's mailbox", "imap", value).pk
    workflow = active(alice, mail_poll(credential))
    poll_now(workflow)
    poll = Poll.objects.get(workflow=workflow)
    assert poll.last_status == "error" and "AUTHENTICATIONFAILED" in poll.last_error
    assert "not-it-9f" not in poll.last_error


def test_a_search_imap_cannot_send_is_refused_on_the_poll_field():
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as refused:
        trigger_poll.Config.model_validate({"source": "imap", "imap_search": '["OR", "x"]'})
    [error] = refused.value.errors()
    assert error["loc"] == ("imap_search",) and "entry 1" in error["msg"]


def test_the_imap_source_needs_no_url_and_names_its_settings():
    config = trigger_poll.Config.model_validate({"source": "imap", "credential": 3})
    assert trigger_poll.asks(config) == "IMAP INBOX"
    assert trigger_poll.source_settings(config)["imap_search"] == ["UNSEEN"]
    assert "imap" in trigger_poll.NODE.credential_kinds


def test_the_user_name_is_sent_quoted(imap):
    imap.user = 'CORP\\ada "x"'
    value = secret(imap)
    value.settings["user"] = imap.user
    assert (
        node.read(value, "INBOX", ["ALL"], shape="simple", download_attachments=False, limit=1)
        == []
    )
    assert imap.logins[-1][0] == imap.user


@pytest.mark.django_db
def test_the_settings_form_applies_the_imap_preset(alice_client, alice):
    from editor.models import Workflow

    workflow = Workflow.create(alice, "w")
    response = alice_client.post(
        f"/workflows/{workflow.pk}/node-settings/",
        {
            "action": "apply",
            "node_type": "trigger.poll",
            "node_id": "poll",
            "config": "{}",
            "f:preset": "imap_messages",
            "f:imap_mailbox": "Invoices",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="imap"' in html and "Invoices" in html and "UNSEEN" in html
    assert "Enter the address of the JSON API" not in html
