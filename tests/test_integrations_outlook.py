"""app.outlook against a fake Microsoft (tests/fakes/outlook.py): the refresh-token grant, each
operation's Graph request and output, Graph's errors mapped to what the engine retries or not,
the credential test, and a run through the engine with a stored credential."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from executions import engine
from executions.models import Step
from integrations.outlook import graph_api
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.outlook import (
    CLIENT_ID,
    CLIENT_SECRET,
    MAILBOX,
    REFRESH_TOKEN,
    FakeOutlook,
)
from workfuse.lib.node_run import Secret

OUTLOOK = "app.outlook"


@pytest.fixture
def outlook(settings: Any) -> Iterator[FakeOutlook]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeOutlook()) as fake:
        yield fake


def oauth(fake: FakeOutlook, refresh_token: str = REFRESH_TOKEN) -> Secret:
    value = {"client_secret": CLIENT_SECRET, "refresh_token": refresh_token}
    settings = {"client_id": CLIENT_ID, "base_url": fake.base_url, "token_url": fake.token_url}
    return Secret("outlook", value, settings, name="Ada's Outlook")


@pytest.fixture
def key(outlook: FakeOutlook) -> Secret:
    return oauth(outlook)


def test_one_refresh_grant_serves_the_steps_calls(outlook, key):
    outlook.deliver("Hello")
    run_app(OUTLOOK, {"operation": "get_many"}, key)

    token, listing = outlook.requests
    assert token.form["grant_type"] == "refresh_token"
    assert token.form["refresh_token"] == REFRESH_TOKEN and token.form["client_id"] == CLIENT_ID
    assert "offline_access" in token.form["scope"]
    assert listing.headers["authorization"].removeprefix("Bearer ") in outlook.tokens


def test_the_token_url_defaults_to_the_tenants_endpoint():
    from integrations.outlook.credentials import OutlookOAuth2

    fields = OutlookOAuth2.model_validate(
        {"client_id": "c", "client_secret": "s", "refresh_token": "r", "tenant": "contoso.com"}
    )
    assert (
        fields.token_endpoint == "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token"
    )


def test_an_expired_refresh_token_names_the_credential(outlook):
    error = app_error(OUTLOOK, {"operation": "get_many"}, oauth(outlook, "M.expired"))
    assert not error.retryable
    assert "Ada's Outlook" in error.message and "invalid_grant: AADSTS70008" in error.message
    assert "Trace ID" not in error.message and "M.expired" not in error.message


def test_send_posts_sendmail_with_recipients_body_and_a_file(outlook, key):
    pdf = {
        "filename": "a.pdf",
        "content_type": "application/pdf",
        "size": 4,
        "content": base64.b64encode(b"%PDF").decode(),
    }
    output = run_app(
        OUTLOOK,
        {
            "operation": "send",
            "to": "Bob <bob@example.com>, cy@example.com",
            "cc": ["dan@example.com"],
            "subject": "Report",
            "body": "<p>Hi</p>",
            "attachments": [pdf],
            "save_to_sent_items": False,
        },
        key,
    )

    assert output == {"success": True}
    [sent] = outlook.sent
    message = sent["message"]
    assert sent["saveToSentItems"] is False
    assert message["toRecipients"] == [
        {"emailAddress": {"address": "bob@example.com", "name": "Bob"}},
        {"emailAddress": {"address": "cy@example.com"}},
    ]
    assert message["ccRecipients"] == [{"emailAddress": {"address": "dan@example.com"}}]
    assert message["body"] == {"contentType": "HTML", "content": "<p>Hi</p>"}
    [attached] = message["attachments"]
    assert attached["@odata.type"] == "#microsoft.graph.fileAttachment"
    assert base64.b64decode(attached["contentBytes"]) == b"%PDF" and attached["name"] == "a.pdf"


def test_update_patches_categories_read_state_importance_and_flag(outlook, key):
    ident = outlook.deliver("Invoice")

    output = run_app(
        OUTLOOK,
        {
            "operation": "update",
            "message_id": ident,
            "categories": "Invoice, Paid",
            "is_read": True,
            "importance": "High",
            "flag": "flagged",
        },
        key,
    )

    patch = outlook.requests[-1]
    assert patch.method == "PATCH" and patch.json == {
        "isRead": True,
        "categories": ["Invoice", "Paid"],
        "importance": "High",
        "flag": {"flagStatus": "flagged"},
    }
    assert output["categories"] == ["Invoice", "Paid"] and output["isRead"] is True


def test_update_with_nothing_to_change_is_refused(outlook, key):
    ident = outlook.deliver("Invoice")
    error = app_error(OUTLOOK, {"operation": "update", "message_id": ident}, key)
    assert "needs something to change" in error.message


def test_move_get_many_by_folder_get_reply_and_delete(outlook, key):
    first = outlook.deliver("One")
    outlook.deliver("Two", is_read=True)

    assert run_app(
        OUTLOOK, {"operation": "move", "message_id": first, "folder_id": "archive"}, key
    ) == {"success": True}
    archived = run_app(OUTLOOK, {"operation": "get_many", "folder_id": "archive"}, key)
    unread = run_app(OUTLOOK, {"operation": "get_many", "filter": "isRead eq false"}, key)
    moved = archived["messages"][0]["id"]
    got = run_app(OUTLOOK, {"operation": "get", "message_id": moved, "fields": "subject,from"}, key)
    run_app(
        OUTLOOK,
        {"operation": "reply", "message_id": moved, "body": "Thanks", "reply_all": True},
        key,
    )
    run_app(OUTLOOK, {"operation": "delete", "message_id": moved}, key)

    assert [m["subject"] for m in archived["messages"]] == ["One"]
    assert [m["subject"] for m in unread["messages"]] == ["One"]
    assert got == {
        "id": moved,
        "subject": "One",
        "from": {"emailAddress": {"name": "Bob", "address": "bob@example.com"}},
    }
    assert outlook.replies == [(moved, "replyAll", {"comment": "Thanks"})]
    assert outlook.messages[moved]["parentFolderId"] == "deleteditems"


def test_graph_errors_are_quoted_and_throttling_is_retried(outlook, key):
    error = app_error(OUTLOOK, {"operation": "get", "message_id": "AAMk-missing"}, key)
    assert "ErrorItemNotFound" in error.message and not error.retryable

    throttled = {"error": {"code": "ApplicationThrottled", "message": "Too many requests"}}
    outlook.script(
        Answer(200, {"access_token": "x", "token_type": "Bearer", "expires_in": 60}),
        Answer(429, throttled, {"Retry-After": "7"}),
    )
    error = app_error(OUTLOOK, {"operation": "get_many"}, key)
    assert error.retryable and error.retry_after == 7


def test_the_credential_test_names_the_mailbox(outlook, key):
    assert MAILBOX in graph_api.check(key)


@pytest.mark.django_db(transaction=True)
def test_a_run_tags_the_message_with_the_stored_credential(alice, outlook):
    ident = outlook.deliver("Invoice 7")
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
    node = {
        "id": "tag",
        "type": OUTLOOK,
        "config": {
            "credential": credential.pk,
            "operation": "update",
            "message_id": "{{ trigger.id }}",
            "categories": ["{{ trigger.category }}"],
        },
    }

    execution = engine.start_execution(
        make_workflow(alice, chain(node)), {"id": ident, "category": "Billing"}
    )

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert outlook.messages[ident]["categories"] == ["Billing"]
    step = Step.objects.get(execution=execution, key="tag")
    stored = json.dumps([step.input, step.output])
    assert REFRESH_TOKEN not in stored and CLIENT_SECRET not in stored
