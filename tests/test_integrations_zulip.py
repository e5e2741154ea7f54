"""app.zulip against a fake Zulip API v1 (tests/fakes/zulip.py): messages sent to a stream's
topic and privately as Zulip's form fields, read, edited, deleted, Zulip's errors, the key's
test, and a run through the engine with a stored credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from integrations.zulip import rest_api
from integrations.zulip.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.zulip import EMAIL, KEY, FakeZulip
from workfuse.lib.node_run import NodeError, Secret

ZU = "app.zulip"
STREAM = {"stream": "customer support", "topic": "tickets", "content": "Open: 3"}


@pytest.fixture
def zulip(settings: Any) -> Iterator[FakeZulip]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeZulip()) as fake:
        yield fake


def key(fake: FakeZulip, value: str = KEY) -> Secret:
    settings = {"email": EMAIL, "base_url": fake.url}
    return Secret("zulip", {"api_key": value}, settings, name="Bot")


def test_a_message_is_sent_to_a_stream_s_topic_as_zulip_s_form(zulip):
    sent = run_app(ZU, STREAM, key(zulip))
    assert sent == {"id": 100, "msg": "", "result": "success"}
    [request] = zulip.requests
    assert request.path == "/api/v1/messages"
    assert request.form == {
        "type": "stream",
        "to": "customer support",
        "topic": "tickets",
        "content": "Open: 3",
    }


def test_a_private_message_is_sent_read_edited_and_deleted(zulip):
    config = {
        "operation": "send_private",
        "to": ["ada@example.com", "bo@example.com"],
        "content": "hi",
    }
    sent = run_app(ZU, config, key(zulip))
    assert zulip.requests[0].form["to"] == "ada@example.com,bo@example.com"
    by_id = {"message_id": sent["id"]}
    run_app(ZU, by_id | {"operation": "update_message", "content": "hello"}, key(zulip))
    got = run_app(ZU, by_id | {"operation": "get_message"}, key(zulip))
    assert got["raw_content"] == "hello"
    assert run_app(ZU, by_id | {"operation": "delete_message"}, key(zulip))["result"] == "success"
    assert zulip.messages == {}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"topic": "t", "content": "c"}, "stream"),
        ({"operation": "send_private", "content": "c"}, "to"),
        ({"operation": "get_message"}, "message_id"),
    ],
)
def test_each_operation_names_the_fields_it_needs(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_zulip_s_errors_are_quoted_and_a_wrong_key_names_the_credential(zulip):
    missing = app_error(ZU, STREAM | {"stream": "nope"}, key(zulip))
    assert missing.message == "Zulip refused send_stream (HTTP 400): Stream 'nope' does not exist"
    wrong = app_error(ZU, STREAM, key(zulip, "old"))
    assert not wrong.retryable and wrong.message.startswith(
        "Zulip did not accept the credential “Bot”"
    )


def test_the_key_test_reads_the_bot(zulip):
    assert rest_api.check_key(key(zulip)) == "Connected to Zulip as n8n Bot."
    with pytest.raises(NodeError, match="did not accept the credential “Bot”"):
        rest_api.check_key(key(zulip, "old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_posts_the_trigger_s_text(alice, zulip):
    credential = store.create(
        alice, "Bot", "zulip", {"email": EMAIL, "api_key": KEY, "base_url": zulip.url}
    )
    nodes = (
        {
            "id": "post",
            "type": ZU,
            "config": {"credential": credential.pk, **STREAM, "content": "{{ trigger.text }}"},
        },
    )
    execution = engine.start_execution(make_workflow(alice, chain(*nodes)), {"text": "Deployed"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert zulip.messages[100]["content"] == "Deployed"
    assert KEY not in json.dumps([s.input for s in execution.steps.all()])
