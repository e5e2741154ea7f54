"""app.slack's delete, search (a user token's search.messages) and legacy attachments against
the fake Slack."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.app_nodes import app_error, run_app
from tests.fakes import running
from tests.fakes.slack import BOT_TOKEN, USER_TOKEN, FakeSlack
from workfuse.lib.node_run import Secret

SLACK = "app.slack"
ATTACHMENT = {
    "color": "#FFBF00",
    "title": "Invoice",
    "fields": [{"title": "Amount", "value": "42", "short": True}],
}


@pytest.fixture
def slack(settings: Any) -> Iterator[FakeSlack]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeSlack()) as fake:
        yield fake


def token(fake: FakeSlack, value: str = BOT_TOKEN) -> Secret:
    return Secret("slack", {"bot_token": value}, {"base_url": fake.api_url}, name="Acme Slack")


def test_a_message_carries_its_legacy_attachments(slack):
    output = run_app(
        SLACK,
        {"channel": "C0001", "text": "New invoice", "attachments": [ATTACHMENT]},
        token(slack),
    )
    assert slack.requests[0].json == {
        "channel": "C0001",
        "text": "New invoice",
        "attachments": [ATTACHMENT],
    }
    assert output["message"]["attachments"] == [ATTACHMENT]


def test_delete_message_calls_chat_delete(slack):
    posted = run_app(SLACK, {"channel": "C0001", "text": "oops"}, token(slack))
    output = run_app(
        SLACK,
        {"operation": "delete_message", "channel": "C0001", "ts": posted["ts"]},
        token(slack),
    )
    assert slack.requests[-1].path == "/api/chat.delete"
    assert slack.requests[-1].json == {"channel": "C0001", "ts": posted["ts"]}
    assert output == {"ok": True, "channel": "C0001", "ts": posted["ts"]}
    assert slack.messages == []
    error = app_error(
        SLACK,
        {"operation": "delete_message", "channel": "C0001", "ts": posted["ts"]},
        token(slack),
    )
    assert error.message == "Slack refused chat.delete: message_not_found"


def test_search_messages_sends_the_query_as_form_fields_and_lists_the_matches(slack):
    for text in ("invoice 1 paid", "lunch", "invoice 2 due"):
        run_app(SLACK, {"channel": "C0001", "text": text}, token(slack))
    output = run_app(
        SLACK,
        {"operation": "search_messages", "query": "invoice", "count": 5},
        token(slack, USER_TOKEN),
    )
    assert slack.requests[-1].form == {
        "query": "invoice",
        "count": "5",
        "sort": "timestamp",
        "sort_dir": "desc",
    }
    assert [m["text"] for m in output["matches"]] == ["invoice 2 due", "invoice 1 paid"]
    assert (output["count"], output["total"]) == (2, 2)


def test_a_bot_token_cannot_search_and_slack_says_so(slack):
    error = app_error(SLACK, {"operation": "search_messages", "query": "x"}, token(slack))
    assert "not_allowed_token_type" in error.message
