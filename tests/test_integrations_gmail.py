"""app.gmail against a fake Google (tests/fakes/gmail.py): the refresh-token grant, each
operation's request and output (messages sent as MIME the API takes, messages read back in
n8n's simple and parsed shapes), Google's errors mapped to what the engine retries or not, the
credential test, and a run through the engine with a stored credential."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from email import policy
from email.parser import BytesParser
from typing import Any

import pytest

from credentials import store
from executions import engine
from executions.models import Step
from integrations.gmail import gmail_api, mime
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.gmail import (
    CLIENT_ID,
    CLIENT_SECRET,
    MAILBOX,
    REFRESH_TOKEN,
    FakeGmail,
    google_error,
    message,
)
from workfuse.lib.node_run import NodeError, Secret

GMAIL = "app.gmail"


@pytest.fixture
def gmail(settings: Any) -> Iterator[FakeGmail]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeGmail()) as fake:
        yield fake


def oauth(fake: FakeGmail, refresh_token: str = REFRESH_TOKEN) -> Secret:
    value = {"client_secret": CLIENT_SECRET, "refresh_token": refresh_token}
    settings = {"client_id": CLIENT_ID, "base_url": fake.url, "token_url": fake.token_url}
    return Secret("gmail", value, settings, name="Ada's Gmail")


@pytest.fixture
def key(gmail: FakeGmail) -> Secret:
    return oauth(gmail)


def sent_mail(gmail: FakeGmail, index: int = -1) -> Any:
    return BytesParser(policy=policy.default).parsebytes(gmail.sent[index].raw)


# --- the token ---------------------------------------------------------------------------------


def test_one_refresh_grant_serves_every_call_of_a_step(gmail, key):
    gmail.deliver(message())
    run_app(GMAIL, {"operation": "get_many", "max_results": 5}, key)

    token, *calls = gmail.requests
    assert (token.method, token.path) == ("POST", "/token")
    assert token.form == {
        "grant_type": "refresh_token",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
    }
    assert [c.path for c in calls if c.path == "/token"] == []
    assert all(c.headers["authorization"].removeprefix("Bearer ") in gmail.tokens for c in calls)


def test_a_revoked_refresh_token_names_the_credential_and_is_not_retried(gmail):
    error = app_error(GMAIL, {"operation": "list_labels"}, oauth(gmail, "1//revoked"))

    assert not error.retryable
    assert "Ada's Gmail" in error.message and "invalid_grant" in error.message
    assert "1//revoked" not in error.message


# --- sending ------------------------------------------------------------------------------------


def test_send_builds_mime_with_both_bodies_recipients_and_a_file_attachment(gmail, key):
    pdf = {
        "filename": "invoice.pdf",
        "content_type": "application/pdf",
        "size": 9,
        "content": base64.b64encode(b"%PDF-1.4\n").decode(),
    }
    output = run_app(
        GMAIL,
        {
            "operation": "send",
            "to": "Bob <bob@example.com>, carol@example.com",
            "cc": ["dan@example.com"],
            "bcc": ["audit@acme.test"],
            "subject": "Invoice 42",
            "text": "Plain words",
            "html": "<p>Rich words</p>",
            "reply_to": "billing@acme.test",
            "sender_name": "Acme Billing",
            "attachments": [pdf],
        },
        key,
    )

    assert output["labelIds"] == ["SENT"] and output["id"] == gmail.sent[0].id
    mail = sent_mail(gmail)
    assert mail["To"] == "Bob <bob@example.com>, carol@example.com"
    assert (mail["Cc"], mail["Bcc"]) == ("dan@example.com", "audit@acme.test")
    assert mail["From"] == f"Acme Billing <{MAILBOX}>" and mail["Reply-To"] == "billing@acme.test"
    assert mail.get_body(("plain",)).get_content().strip() == "Plain words"
    assert mail.get_body(("html",)).get_content().strip() == "<p>Rich words</p>"
    [attached] = list(mail.iter_attachments())
    assert attached.get_filename() == "invoice.pdf" and attached.get_content() == b"%PDF-1.4\n"


def test_send_without_a_sender_name_leaves_from_to_gmail(gmail, key):
    run_app(GMAIL, {"to": "bob@example.com", "subject": "Hi", "text": "Hello"}, key)

    assert sent_mail(gmail)["From"] is None
    assert all(r.path != "/gmail/v1/users/me/profile" for r in gmail.requests)


def test_reply_answers_in_the_thread_to_the_sender_and_other_recipients(gmail, key):
    original = gmail.deliver(
        message(to=f"{MAILBOX}, Eve <eve@example.com>", message_id="<m-7@example.com>"),
        thread="thread-7",
    )

    output = run_app(
        GMAIL,
        {"operation": "reply", "message_id": original, "text": "Thanks, paid."},
        key,
    )

    assert gmail.messages[output["id"]].thread_id == "thread-7"
    mail = sent_mail(gmail)
    assert mail["To"] == "Bob Stone <bob@example.com>, Eve <eve@example.com>"
    assert mail["Subject"] == "Invoice 42"
    assert mail["In-Reply-To"] == "<m-7@example.com>" == mail["References"]


def test_reply_to_the_sender_only(gmail, key):
    original = gmail.deliver(message(to=f"{MAILBOX}, eve@example.com"))
    config = {"operation": "reply", "message_id": original, "text": "Thanks"}

    run_app(GMAIL, {**config, "reply_to_sender_only": True}, key)

    assert sent_mail(gmail)["To"] == "Bob Stone <bob@example.com>"


def test_create_draft_in_a_thread(gmail, key):
    output = run_app(
        GMAIL,
        {
            "operation": "create_draft",
            "subject": "Draft",
            "html": "<b>later</b>",
            "thread_id": "thread-9",
        },
        key,
    )

    assert output["message"]["labelIds"] == ["DRAFT"]
    stored = gmail.messages[output["message"]["id"]]
    assert stored.thread_id == "thread-9" and b"<b>later</b>" in stored.raw


def test_send_needs_a_body():
    from integrations.gmail.node import Config

    with pytest.raises(ValueError, match="Give text, html or both"):
        Config.model_validate({"to": "bob@example.com", "subject": "Hi"})


# --- reading -----------------------------------------------------------------------------------


def test_get_simple_is_n8ns_metadata_shape_with_label_names(gmail, key):
    invoices = gmail.add_label("Invoices")
    ident = gmail.deliver(message(), labels=("INBOX", invoices))

    output = run_app(GMAIL, {"operation": "get", "message_id": ident}, key)

    get = next(r for r in gmail.requests if r.path.endswith(ident))
    assert get.query["format"] == ["metadata"]
    assert get.query["metadataHeaders"] == ["From", "To", "Cc", "Bcc", "Subject"]
    assert output["id"] == ident and output["threadId"] == ident
    assert output["From"] == "Bob Stone <bob@example.com>" and output["Subject"] == "Invoice 42"
    assert output["labels"] == [
        {"id": "INBOX", "name": "INBOX"},
        {"id": invoices, "name": "Invoices"},
    ]
    assert "labelIds" not in output and "headers" not in output["payload"]
    assert output["snippet"].startswith("Hello Ada")


def test_get_parsed_is_n8ns_mailparser_shape(gmail, key):
    ident = gmail.deliver(
        message(
            text="Hello Ada,\n\nthe invoice is attached.\n",
            html="<p>Hello <b>Ada</b></p>",
            attachment=("invoice.pdf", b"%PDF-1.4\n"),
        )
    )

    output = run_app(
        GMAIL,
        {"operation": "get", "message_id": ident, "simple": False, "download_attachments": True},
        key,
    )

    assert output["id"] == ident and output["labelIds"] == ["INBOX", "UNREAD"]
    assert output["subject"] == "Invoice 42"
    assert output["from"]["value"] == [{"address": "bob@example.com", "name": "Bob Stone"}]
    assert output["from"]["text"] == '"Bob Stone" <bob@example.com>'
    assert output["to"]["value"] == [{"address": MAILBOX, "name": ""}]
    assert output["text"] == "Hello Ada,\n\nthe invoice is attached.\n"
    assert output["html"] == "<p>Hello <b>Ada</b></p>\n"
    assert output["textAsHtml"] == "<p>Hello Ada,</p><p>the invoice is attached.</p>"
    assert output["date"] == "2025-12-02T08:30:00.000Z"
    assert output["messageId"] == "<m-42@example.com>"
    assert output["headers"]["subject"] == "Subject: Invoice 42"
    [pdf] = output["attachments"]
    assert pdf["filename"] == "invoice.pdf" and base64.b64decode(pdf["content"]) == b"%PDF-1.4\n"


def test_an_html_only_message_gets_its_text_from_the_html():
    assert mime.html_to_text("<p>Hi <b>Ada</b></p><script>x()</script><div>Bye</div>") == (
        "Hi Ada\n\nBye"
    )


def test_get_many_filters_by_query_and_labels_newest_first(gmail, key):
    first = gmail.deliver(message(subject="Invoice 1"))
    gmail.deliver(message(subject="Newsletter", sender="news@example.com"))
    second = gmail.deliver(message(subject="Invoice 2"), labels=("INBOX",))

    output = run_app(
        GMAIL,
        {"operation": "get_many", "query": "subject:invoice", "label_ids": "INBOX"},
        key,
    )

    assert [m["id"] for m in output["messages"]] == [second, first]
    assert output["count"] == 2
    listing = next(r for r in gmail.requests if r.path.endswith("/messages"))
    assert listing.query["q"] == ["subject:invoice"] and listing.query["labelIds"] == ["INBOX"]


def test_get_many_pages_up_to_max_results(gmail, key):
    for n in range(5):
        gmail.deliver(message(subject=f"n{n}"))

    output = run_app(GMAIL, {"operation": "get_many", "max_results": 3, "simple": False}, key)

    assert [m["subject"] for m in output["messages"]] == ["n4", "n3", "n2"]


# --- drafts (seconds) ---------------------------------------------------------------------------


def test_get_drafts_reads_each_draft_parsed_with_the_draft_id_and_message_id(gmail, key):
    gmail.deliver(message(subject="Not a draft"))
    older = gmail.draft(message(subject="Offer draft", message_id="<d-1@acme.test>"))
    newer = gmail.draft(message(subject="Reply draft", attachment=("a.pdf", b"%PDF-1.4\n")))

    output = run_app(
        GMAIL,
        {"operation": "get_drafts", "simple": False, "download_attachments": True},
        key,
    )

    assert output["count"] == 2
    assert [d["id"] for d in output["drafts"]] == [newer, older]
    reply, offer = output["drafts"]
    assert offer["messageId"] == gmail.drafts[older] and offer["subject"] == "Offer draft"
    assert offer["labelIds"] == ["DRAFT"] and offer["text"].startswith("Hello Ada")
    [pdf] = reply["attachments"]
    assert pdf["filename"] == "a.pdf"
    listing = next(r for r in gmail.requests if r.path.endswith("/drafts"))
    assert listing.method == "GET" and listing.query["maxResults"] == ["50"]
    gets = [r for r in gmail.requests if "/drafts/" in r.path]
    assert {r.query["format"][0] for r in gets} == {"raw"}


def test_get_drafts_ids_only_pages_and_filters_by_query(gmail, key):
    drafts = [gmail.draft(message(subject=f"Quote {n}")) for n in range(3)]
    gmail.draft(message(subject="Lunch"))

    output = run_app(
        GMAIL,
        {"operation": "get_drafts", "ids_only": True, "query": "subject:quote", "max_results": 2},
        key,
    )

    assert output == {
        "drafts": [
            {"id": d, "message": {"id": gmail.drafts[d], "threadId": gmail.drafts[d]}}
            for d in (drafts[2], drafts[1])
        ],
        "count": 2,
    }
    assert not [r for r in gmail.requests if "/drafts/" in r.path]


def test_get_draft_simple_has_the_headers_and_label_names(gmail, key):
    ident = gmail.draft(message(subject="Simple draft"))

    output = run_app(GMAIL, {"operation": "get_draft", "draft_id": ident}, key)

    assert output["id"] == ident and output["messageId"] == gmail.drafts[ident]
    assert output["Subject"] == "Simple draft"
    assert output["labels"] == [{"id": "DRAFT", "name": "DRAFT"}]
    get = next(r for r in gmail.requests if r.path.endswith(ident))
    assert get.query["format"] == ["metadata"]


def test_a_missing_draft_is_gmails_own_words(gmail, key):
    error = app_error(GMAIL, {"operation": "get_draft", "draft_id": "r-404"}, key)
    assert "Requested entity was not found" in str(error)


# --- labels, read state, trash, delete ------------------------------------------------------------


def test_label_operations_modify_the_message(gmail, key):
    ident = gmail.deliver(message())
    done = gmail.add_label("Done")

    added = run_app(
        GMAIL, {"operation": "add_labels", "message_id": ident, "label_ids": [done]}, key
    )
    read = run_app(GMAIL, {"operation": "mark_read", "message_id": ident}, key)

    assert done in added["labelIds"] and "UNREAD" not in read["labelIds"]
    modify = [r for r in gmail.requests if r.path.endswith("/modify")]
    assert modify[0].json == {"addLabelIds": [done], "removeLabelIds": []}
    assert modify[1].json == {"addLabelIds": [], "removeLabelIds": ["UNREAD"]}
    run_app(GMAIL, {"operation": "mark_unread", "message_id": ident}, key)
    run_app(GMAIL, {"operation": "remove_labels", "message_id": ident, "label_ids": [done]}, key)
    assert gmail.messages[ident].label_ids == ["INBOX", "UNREAD"]


def test_trash_and_delete(gmail, key):
    kept, gone = gmail.deliver(message()), gmail.deliver(message())

    trashed = run_app(GMAIL, {"operation": "trash", "message_id": kept}, key)
    deleted = run_app(GMAIL, {"operation": "delete", "message_id": gone}, key)

    assert "TRASH" in trashed["labelIds"] and deleted == {"success": True}
    assert gone not in gmail.messages


def test_threads_get_list_and_label(gmail, key):
    one = gmail.deliver(message(subject="Q"), thread="t-1")
    gmail.deliver(message(subject="Re: Q"), thread="t-1")
    gmail.deliver(message(subject="Other"), thread="t-2")

    thread = run_app(GMAIL, {"operation": "get_thread", "thread_id": "t-1"}, key)
    listed = run_app(GMAIL, {"operation": "get_threads"}, key)
    run_app(
        GMAIL,
        {"operation": "remove_thread_labels", "thread_id": "t-1", "label_ids": ["UNREAD"]},
        key,
    )

    assert [m["Subject"] for m in thread["messages"]] == ["Q", "Re: Q"]
    assert [t["id"] for t in listed["threads"]] == ["t-2", "t-1"]
    assert "UNREAD" not in gmail.messages[one].label_ids


def test_labels_list_get_and_create(gmail, key):
    created = run_app(GMAIL, {"operation": "create_label", "label_name": "Invoices"}, key)
    listed = run_app(GMAIL, {"operation": "list_labels"}, key)
    got = run_app(GMAIL, {"operation": "get_label", "label_id": created["id"]}, key)

    assert created["name"] == "Invoices" and created["labelListVisibility"] == "labelShow"
    assert "Invoices" in [label["name"] for label in listed["labels"]]
    assert got["id"] == created["id"]
    error = app_error(GMAIL, {"operation": "create_label", "label_name": "invoices"}, key)
    assert "Label name exists" in error.message and not error.retryable


# --- errors -------------------------------------------------------------------------------------


def test_a_missing_message_is_gmails_own_words(gmail, key):
    error = app_error(GMAIL, {"operation": "get", "message_id": "abc123"}, key)

    assert "HTTP 404" in error.message and "Requested entity was not found" in error.message
    assert not error.retryable


def test_rate_limits_are_retryable_including_403_rate_limit_exceeded(gmail, key):
    gmail.script(
        Answer(200, {"access_token": "ya29.x", "expires_in": 3599, "token_type": "Bearer"}),
        google_error(403, "PERMISSION_DENIED", "User-rate limit exceeded", "userRateLimitExceeded"),
    )
    error = app_error(GMAIL, {"operation": "list_labels"}, key)
    assert error.retryable

    gmail.script(
        Answer(200, {"access_token": "ya29.x", "expires_in": 3599, "token_type": "Bearer"}),
        google_error(
            403, "PERMISSION_DENIED", "Insufficient Permission", "insufficientPermissions"
        ),
    )
    error = app_error(GMAIL, {"operation": "list_labels"}, key)
    assert not error.retryable and "Ada's Gmail" in error.message


def test_the_credential_test_names_the_mailbox(gmail, key):
    assert MAILBOX in gmail_api.check(key)


# --- through the engine -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_run_sends_the_rendered_email_with_the_stored_credential(alice, gmail, alice_api):
    credential = store.create(
        alice,
        "Ada's Gmail",
        "gmail",
        {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": REFRESH_TOKEN,
            "base_url": gmail.url,
            "token_url": gmail.token_url,
        },
    )
    node = {
        "id": "mail",
        "type": GMAIL,
        "config": {
            "credential": credential.pk,
            "to": "{{ trigger.email }}",
            "subject": "Hi {{ trigger.name }}",
            "text": "Welcome",
        },
    }

    execution = engine.start_execution(
        make_workflow(alice, chain(node)), {"name": "Di", "email": "di@example.com"}
    )

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert sent_mail(gmail)["To"] == "di@example.com" and sent_mail(gmail)["Subject"] == "Hi Di"
    step = Step.objects.get(execution=execution, key="mail")
    stored = json.dumps([step.input, step.output])
    assert REFRESH_TOKEN not in stored and CLIENT_SECRET not in stored
    answer = alice_api.post(f"/api/credentials/{credential.pk}/test").json()
    assert answer["ok"] is True and MAILBOX in answer["message"]


def test_a_message_nested_too_deeply_is_stopped_by_the_cpu_budget(monkeypatch):
    monkeypatch.setattr(mime, "PARSE_CPU_SECONDS", 0.3)
    boundary = [f"b{i}" for i in range(3000)]
    parts = [f'Content-Type: multipart/mixed; boundary="{b}"\n\n--{b}\n' for b in boundary]
    raw = "Subject: deep\n" + "".join(parts) + "Content-Type: text/plain\n\nx\n"
    encoded = base64.urlsafe_b64encode(raw.encode()).decode()

    with pytest.raises(NodeError, match="nests its parts too deeply"):
        mime.parsed({"id": "deep", "raw": encoded})


@pytest.mark.parametrize(("given", "read"), [("2", 2), (250, 100)], ids=["text", "over-the-cap"])
def test_max_results_filled_in_at_run_time_reads_that_many_up_to_the_cap(gmail, key, given, read):
    """An agent's tool fills the count in from the model's arguments ($fromAI in n8n)."""
    from integrations.gmail.node import Config

    assert Config.model_validate({"operation": "get_many", "max_results": "{{ trigger.n }}"})
    gmail.deliver(message(subject="only one"))
    run_app(GMAIL, {"operation": "get_many", "max_results": given}, key)
    listing = next(r for r in gmail.requests if r.path.endswith("/messages"))
    assert listing.query["maxResults"] == [str(read)]


def test_max_results_that_is_not_a_number_is_refused_naming_it():
    from integrations.gmail.node import Config

    with pytest.raises(ValueError, match=r"max_results\n.*must be a whole number \(1 or more\)"):
        Config.model_validate({"operation": "get_many", "max_results": "ten"})
