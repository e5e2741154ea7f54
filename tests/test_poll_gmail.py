"""trigger.poll's gmail source (the "Gmail: new message" preset) against a fake Gmail
(tests/fakes/gmail.py): the preset fills the settings, the first poll records the mailbox's
messages, each new matching message starts one run with the message in n8n's Gmail Trigger
shape, n8n's filters (query, labels, read status, sender, drafts, sent) narrow what is new, and
a refused credential is shown on the workflow page without its secrets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from editor.models import Poll, Workflow
from editor.nodes import trigger_poll
from executions.models import Execution
from integrations.gmail import new_mail
from tests.fakes import running
from tests.fakes.gmail import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeGmail, message
from tests.test_poll_trigger import active, poll_now

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gmail(settings: Any) -> Iterator[FakeGmail]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeGmail()) as fake:
        fake.deliver(message(subject="Old news"))
        yield fake


def oauth_credential(owner: Any, fake: FakeGmail, refresh_token: str = REFRESH_TOKEN) -> int:
    value = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": refresh_token,
        "base_url": fake.url,
        "token_url": fake.token_url,
    }
    return store.create(owner, "Ada's Gmail", "gmail", value).pk


def mail_graph(credential: int | None, **filters: Any) -> dict[str, Any]:
    config = trigger_poll.fill_form(
        {"preset": "gmail_messages", "credential": credential, "interval_seconds": 60, **filters}
    )
    trigger = {"id": "new_mail", "type": "trigger.poll", "config": config}
    note = {
        "id": "note",
        "type": "utility.transform",
        "config": {
            "language": "template",
            "expression": "{{ trigger.from.value[0].address }}: {{ trigger.subject }}",
        },
    }
    return {"nodes": [trigger, note], "edges": [{"source": "new_mail", "target": "note"}]}


def test_the_preset_sets_the_gmail_source_with_the_message_id_as_id():
    filled = trigger_poll.fill_form(
        {"preset": "gmail_messages", "gmail_query": "has:attachment", "url": "https://x.test"}
    )
    assert filled == {
        "gmail_query": "has:attachment",
        "source": "gmail",
        "method": "GET",
        "id_field": "id",
    }
    config = trigger_poll.Config.model_validate(filled)
    assert trigger_poll.asks(config) == "Gmail has:attachment"
    assert "gmail" in trigger_poll.NODE.credential_kinds


def test_the_query_adds_sender_and_read_status_as_n8n_does():
    settings = {
        "gmail_query": "has:attachment",
        "gmail_sender": "a@b.c",
        "gmail_read_status": "unread",
    }
    assert new_mail.query(settings) == "has:attachment from:a@b.c is:unread"
    assert new_mail.query({"gmail_read_status": "both"}) == ""


def test_each_new_message_starts_one_run_in_n8ns_parsed_shape(alice, gmail):
    workflow = active(alice, mail_graph(oauth_credential(alice, gmail), gmail_simple=False))
    assert poll_now(workflow) == 0
    assert Poll.objects.get(workflow=workflow).last_found == 1

    ident = gmail.deliver(message(subject="Invoice 43"))
    assert poll_now(workflow) == 1
    assert poll_now(workflow) == 1  # seen: no second run

    run = Execution.objects.get(workflow=workflow)
    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    assert run.trigger_data["id"] == ident and run.trigger_data["text"].startswith("Hello Ada")
    assert run.steps.get(key="note").output["result"] == "bob@example.com: Invoice 43"


def test_filters_leave_out_other_senders_drafts_and_sent_messages(alice, gmail):
    credential = oauth_credential(alice, gmail)
    graph = mail_graph(credential, gmail_sender="bob@example.com", gmail_label_ids=["INBOX"])
    workflow = active(alice, graph)
    poll_now(workflow)

    gmail.deliver(message(sender="eve@example.com", subject="Spam"))
    gmail.deliver(message(subject="Draft"), labels=("INBOX", "DRAFT"))
    gmail.deliver(message(subject="Mine"), labels=("INBOX", "SENT"))
    wanted = gmail.deliver(message(subject="Wanted"))

    assert poll_now(workflow) == 1
    run = Execution.objects.get(workflow=workflow)
    assert run.trigger_data["id"] == wanted and run.trigger_data["Subject"] == "Wanted"
    assert {label["id"] for label in run.trigger_data["labels"]} == {"INBOX", "UNREAD"}
    listing = [r for r in gmail.requests if r.path.endswith("/messages")][-1]
    assert listing.query["q"] == ["from:bob@example.com"] and listing.query["labelIds"] == ["INBOX"]


def test_a_revoked_token_is_shown_on_the_workflow_page_without_secrets(alice, alice_client, gmail):
    workflow: Workflow = active(alice, mail_graph(oauth_credential(alice, gmail, "1//revoked")))
    poll_now(workflow)

    poll = Poll.objects.get(workflow=workflow)
    assert (poll.last_status, poll.primed) == ("error", False)
    page = alice_client.get(workflow.get_absolute_url()).content.decode()
    assert "Ada&#x27;s Gmail" in page or "Ada's Gmail" in page
    assert "invalid_grant" in page and "1//revoked" not in page + poll.last_error
    assert CLIENT_SECRET not in page + poll.last_error


def test_the_settings_form_applies_the_gmail_preset(alice_client, alice):
    workflow = Workflow.create(alice, "w")
    response = alice_client.post(
        f"/workflows/{workflow.pk}/node-settings/",
        {
            "action": "apply",
            "node_type": "trigger.poll",
            "node_id": "poll",
            "config": "{}",
            "f:preset": "gmail_messages",
            "f:gmail_query": "has:attachment",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="gmail"' in html and "has:attachment" in html
    assert "Enter the address of the JSON API" not in html
