"""app.slack against a fake Slack (tests/fakes/slack.py): each operation's request (method, path,
auth, body) and what the node outputs; Slack's errors, rate limits and auth failures mapped to
what the engine retries or not; the credential tests; and a run through the engine with a
stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from credentials import store
from executions import engine
from executions.models import Step
from integrations.slack import web_api
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.slack import BOT_TOKEN, WEBHOOK_PATH, FakeSlack
from workfuse.lib.node_run import NodeError, Secret

SLACK = "app.slack"


@pytest.fixture
def slack(settings: Any) -> Iterator[FakeSlack]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeSlack()) as fake:
        yield fake


def bot(fake: FakeSlack, token: str = BOT_TOKEN) -> Secret:
    return Secret("slack", {"bot_token": token}, {"base_url": fake.api_url}, name="Acme Slack")


def hook(fake: FakeSlack, path: str = WEBHOOK_PATH) -> Secret:
    return Secret("slack_webhook", {"webhook_url": fake.url + path}, name="Alerts hook")


# --- operations: the request sent and the output -----------------------------------------------


def test_post_message_sends_json_with_the_bot_token_and_outputs_slacks_answer(slack):
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*New order*"}}]
    output = run_app(
        SLACK,
        {"channel": "C0123", "text": "New order 42", "blocks": json.dumps(blocks)},
        bot(slack),
    )

    [request] = slack.requests
    assert (request.method, request.path) == ("POST", "/api/chat.postMessage")
    assert request.headers["authorization"] == f"Bearer {BOT_TOKEN}"
    assert request.headers["content-type"].startswith("application/json")
    assert request.json == {"channel": "C0123", "text": "New order 42", "blocks": blocks}
    assert output["ok"] is True and output["channel"] == "C0123"
    assert output["ts"] == slack.messages[0].ts and output["message"]["text"] == "New order 42"


def test_post_message_of_blocks_alone_sends_no_text(slack):
    # n8n's Slack node posts a Block Kit message with an empty notification text (quality).
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*New reply*"}}]
    output = run_app(SLACK, {"channel": "C0123", "blocks": json.dumps(blocks)}, bot(slack))

    [request] = slack.requests
    assert request.json == {"channel": "C0123", "blocks": blocks}
    assert output["ok"] is True and slack.messages[0].blocks == blocks


def test_post_message_replies_in_a_thread_and_sends_nothing_it_was_not_given(slack):
    run_app(SLACK, {"channel": "C0123", "text": "Resolved", "thread_ts": "17.000100"}, bot(slack))
    assert slack.requests[0].json == {
        "channel": "C0123",
        "text": "Resolved",
        "thread_ts": "17.000100",
    }
    assert slack.messages[0].thread_ts == "17.000100"


def test_update_message_changes_a_posted_message(slack):
    posted = run_app(SLACK, {"channel": "C0123", "text": "Deploying…"}, bot(slack))

    output = run_app(
        SLACK,
        {"operation": "update_message", "channel": "C0123", "ts": posted["ts"], "text": "Deployed"},
        bot(slack),
    )

    request = slack.requests[-1]
    assert request.path == "/api/chat.update"
    assert request.headers["authorization"] == f"Bearer {BOT_TOKEN}"
    assert request.json == {"channel": "C0123", "text": "Deployed", "ts": posted["ts"]}
    assert output["ts"] == posted["ts"] and output["text"] == "Deployed"
    assert slack.messages[0].text == "Deployed"


def test_upload_text_file_runs_slacks_three_step_upload(slack):
    content = "name,total\nZoë,12.50\n"  # not ASCII: the length Slack wants is in bytes

    output = run_app(
        SLACK,
        {
            "operation": "upload_text_file",
            "channels": ["C0123", "C0456"],
            "filename": "report.csv",
            "content": content,
            "title": "Daily report",
        },
        bot(slack),
    )

    start, upload, complete = slack.requests
    assert start.path == "/api/files.getUploadURLExternal"
    assert start.headers["authorization"] == f"Bearer {BOT_TOKEN}"
    assert start.form == {"filename": "report.csv", "length": str(len(content.encode()))}
    assert upload.method == "POST" and upload.path.startswith("/upload/v1/")
    assert upload.body == content.encode()
    assert "authorization" not in upload.headers  # the upload URL is not Slack's API
    assert complete.path == "/api/files.completeUploadExternal"
    assert json.loads(complete.form["files"]) == [
        {"id": output["file_id"], "title": "Daily report"}
    ]
    assert complete.form["channels"] == "C0123,C0456"
    stored = slack.uploads[output["file_id"]]
    assert (stored.content, stored.channels) == (content.encode(), ["C0123", "C0456"])
    assert output["files"] == [{"id": output["file_id"], "title": "Daily report"}]


def test_post_webhook_message_posts_to_the_hook_without_a_token(slack):
    output = run_app(
        SLACK, {"operation": "post_webhook_message", "text": "Disk almost full"}, hook(slack)
    )

    [request] = slack.requests
    assert (request.method, request.path) == ("POST", WEBHOOK_PATH)
    assert "authorization" not in request.headers
    assert request.json == {"text": "Disk almost full"}
    assert output == {"ok": True, "response": "ok"}
    assert slack.webhook_messages == [{"text": "Disk almost full"}]


# --- which credential -----------------------------------------------------------------------


def test_an_operation_refuses_the_other_kind_of_slack_credential(slack):
    error = app_error(SLACK, {"channel": "C1", "text": "hi"}, hook(slack))
    assert "post_message operation needs a Slack bot token" in error.message
    assert "“Alerts hook” is of kind slack_webhook" in error.message
    error = app_error(SLACK, {"operation": "post_webhook_message", "text": "hi"}, bot(slack))
    assert "needs a Slack incoming webhook" in error.message
    assert slack.requests == []


def test_without_a_credential_the_node_says_to_choose_one(slack):
    error = app_error(SLACK, {"channel": "C1", "text": "hi"}, None)
    assert error.message.startswith("Choose a credential in this node's settings")
    assert not error.retryable


# --- Slack's errors ---------------------------------------------------------------------------


def test_a_slack_error_is_not_retried_and_quotes_slacks_code(slack):
    error = app_error(SLACK, {"channel": "C_MISSING", "text": "hi"}, bot(slack))
    assert error.message == "Slack refused chat.postMessage: channel_not_found"
    assert not error.retryable


@pytest.mark.parametrize("code", ["invalid_auth", "not_authed", "token_revoked"])
def test_auth_errors_are_not_retried_and_name_the_credential_to_fix(slack, code):
    slack.script(Answer(200, {"ok": False, "error": code}))
    error = app_error(SLACK, {"channel": "C1", "text": "hi"}, bot(slack))
    assert not error.retryable
    assert f"Slack did not accept the credential “Acme Slack” ({code})" in error.message
    assert "Credentials page" in error.message


def test_a_wrong_token_is_refused_by_slack_as_invalid_auth(slack):
    error = app_error(SLACK, {"channel": "C1", "text": "hi"}, bot(slack, token="xoxb-wrong"))
    assert "did not accept the credential “Acme Slack” (invalid_auth)" in error.message


def test_a_missing_scope_says_which_scope(slack):
    slack.script(Answer(200, {"ok": False, "error": "missing_scope", "needed": "files:write"}))
    error = app_error(
        SLACK,
        {"operation": "upload_text_file", "channels": ["C1"], "filename": "a.txt", "content": "a"},
        bot(slack),
    )
    assert "(missing_scope (needs the files:write scope))" in error.message
    assert not error.retryable


def test_http_429_is_retried_after_slacks_retry_after(slack):
    slack.script(Answer(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"}))
    error = app_error(SLACK, {"channel": "C1", "text": "hi"}, bot(slack))
    assert error.retryable and error.retry_after == 7
    assert (
        error.message
        == "Slack is rate limiting chat.postMessage (ratelimited); it asks to wait 7 s."
    )


def test_ratelimited_in_a_200_answer_is_retried_too(slack):
    slack.script(Answer(200, {"ok": False, "error": "ratelimited"}, {"Retry-After": "3"}))
    error = app_error(SLACK, {"channel": "C1", "text": "hi"}, bot(slack))
    assert error.retryable and error.retry_after == 3


@pytest.mark.parametrize(
    "answer",
    [
        Answer(503, "upstream down", {"Retry-After": "12"}),
        Answer(200, {"ok": False, "error": "internal_error"}),
        Answer(200, {"ok": False, "error": "service_unavailable"}),
    ],
)
def test_slack_failing_is_retried(slack, answer):
    slack.script(answer)
    error = app_error(SLACK, {"channel": "C1", "text": "hi"}, bot(slack))
    assert error.retryable
    assert error.retry_after == (12 if answer.status == 503 else None)


@pytest.mark.parametrize(("status", "text"), [(404, "no_service"), (403, "action_prohibited")])
def test_a_dead_incoming_webhook_names_the_credential(slack, status, text):
    slack.script(Answer(status, text))
    error = app_error(SLACK, {"operation": "post_webhook_message", "text": "hi"}, hook(slack))
    assert not error.retryable
    assert f"Slack did not accept the credential “Alerts hook” ({text})" in error.message
    assert WEBHOOK_PATH not in error.message  # the URL is the secret


def test_a_webhook_payload_slack_refuses_quotes_its_answer(slack):
    slack.script(Answer(400, "invalid_blocks"))
    error = app_error(SLACK, {"operation": "post_webhook_message", "text": "hi"}, hook(slack))
    assert error.message == "Slack refused the incoming webhook (HTTP 400): invalid_blocks"


def test_private_targets_are_refused_unless_allowed(slack, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    error = app_error(SLACK, {"channel": "C1", "text": "hi"}, bot(slack))
    assert "Refused to connect to 127.0.0.1 (loopback address)" in error.message
    assert slack.requests == []


# --- the settings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"text": "hi"}, "channel"),
        ({"channel": "C1"}, "text"),
        ({"operation": "update_message", "channel": "C1", "text": "x"}, "ts"),
        ({"operation": "upload_text_file", "filename": "a", "content": "b"}, "channels"),
        ({"operation": "post_webhook_message"}, "text"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    from pydantic import ValidationError

    from integrations.slack.node import Config

    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    [error] = caught.value.errors()
    assert error["loc"] == (field,)
    assert error["msg"] == f"Needed for the {config.get('operation', 'post_message')} operation."


def test_blocks_must_be_a_json_list_of_blocks():
    from pydantic import ValidationError

    from integrations.slack.node import Config

    with pytest.raises(ValidationError, match="must be a JSON list of Block Kit blocks"):
        Config.model_validate({"channel": "C1", "text": "x", "blocks": "{not json"})
    with pytest.raises(ValidationError, match="objects"):
        Config.model_validate({"channel": "C1", "text": "x", "blocks": [1, 2]})
    templated = Config.model_validate(
        {"channel": "C1", "text": "x", "blocks": "{{ nodes.build.blocks }}"}
    )
    assert templated.blocks == "{{ nodes.build.blocks }}"  # checked again once rendered


# --- Test connection ----------------------------------------------------------------------------


def test_the_bot_token_test_is_auth_test(slack):
    assert web_api.check_bot_token(bot(slack)) == (
        "Connected to the Slack workspace “Acme” as workfuse."
    )
    assert [r.path for r in slack.requests] == ["/api/auth.test"]


def test_the_bot_token_test_fails_on_a_wrong_token(slack):
    with pytest.raises(
        NodeError, match="did not accept the credential “Acme Slack” \\(invalid_auth\\)"
    ):
        web_api.check_bot_token(bot(slack, token="xoxb-revoked"))


def test_the_webhook_test_posts_nothing_and_knows_a_live_hook(slack):
    message = web_api.check_incoming_webhook(hook(slack))
    assert message.startswith("The incoming webhook is live")
    assert slack.requests[0].json == {}
    assert slack.webhook_messages == []


def test_the_webhook_test_fails_for_a_revoked_hook(slack):
    with pytest.raises(
        NodeError, match="did not accept the credential “Alerts hook” \\(no_service\\)"
    ):
        web_api.check_incoming_webhook(hook(slack, path="/services/T0001/B0001/revoked"))


# --- through the engine -------------------------------------------------------------------------


def slack_node(credential: int, **config: Any) -> dict[str, Any]:
    return {"id": "notify", "type": SLACK, "config": {"credential": credential, **config}}


@pytest.mark.django_db(transaction=True)
def test_a_run_posts_the_rendered_message_with_the_stored_credential(alice, slack):
    credential = store.create(
        alice, "Acme Slack", "slack", {"bot_token": BOT_TOKEN, "base_url": slack.api_url}
    )
    graph = chain(slack_node(credential.pk, channel="#orders", text="Order {{ trigger.id }}"))

    execution = engine.start_execution(make_workflow(alice, graph), {"id": 42})

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="notify")
    assert step.output["ts"] == slack.messages[0].ts
    assert slack.messages[0].text == "Order 42"
    assert BOT_TOKEN not in json.dumps(step.output) + json.dumps(step.input)


@pytest.mark.django_db(transaction=True)
def test_a_rate_limited_run_waits_as_long_as_slack_asks_then_posts(alice, slack):
    credential = store.create(
        alice, "Acme Slack", "slack", {"bot_token": BOT_TOKEN, "base_url": slack.api_url}
    )
    node = slack_node(credential.pk, channel="C1", text="hi")
    node["retry"] = {"max_attempts": 3, "initial_delay_ms": 1000}
    slack.script(Answer(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "30"}))

    execution = engine.start_execution(make_workflow(alice, chain(node)), {})

    step = Step.objects.get(execution=execution, key="notify")
    assert step.status == "waiting"
    assert 28 < (step.wake_at - timezone.now()).total_seconds() <= 31
    engine.sweep(now=step.wake_at)
    step.refresh_from_db()
    execution.refresh_from_db()
    assert (execution.status, step.attempt) == ("succeeded", 2)
    assert [a["status"] for a in step.attempts] == ["failed", "succeeded"]
    assert len(slack.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_a_revoked_token_fails_the_run_at_once(alice, slack):
    credential = store.create(
        alice, "Acme Slack", "slack", {"bot_token": "xoxb-revoked", "base_url": slack.api_url}
    )
    node = slack_node(credential.pk, channel="C1", text="hi")
    node["retry"] = {"max_attempts": 3}

    execution = engine.start_execution(make_workflow(alice, chain(node)), {})

    execution.refresh_from_db()
    assert execution.status == "failed"
    assert "did not accept the credential “Acme Slack” (invalid_auth)" in execution.error
    assert len(slack.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_the_gallery_starter_posts_big_orders_only(alice, slack):
    from editor.gallery import TEMPLATES

    credential = store.create(
        alice, "Acme Slack", "slack", {"bot_token": BOT_TOKEN, "base_url": slack.api_url}
    )
    graph = TEMPLATES["big-orders-to-slack"].new_graph()
    notify = next(n for n in graph["nodes"] if n["type"] == SLACK)
    notify["config"]["credential"] = credential.pk
    workflow = make_workflow(alice, graph)
    order = {"id": 7, "total": 900, "customer": {"email": "ada@example.com"}}

    big = engine.start_execution(workflow, {"body": order})
    small = engine.start_execution(workflow, {"body": {**order, "id": 8, "total": 20}})

    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.status, small.status) == ("succeeded", "succeeded")
    [posted] = slack.messages
    assert posted.channel.startswith("C") and posted.text == "Big order 7: 900 from ada@example.com"
    assert posted.blocks[0]["text"]["text"] == "*Big order 7*\n900 from ada@example.com"
