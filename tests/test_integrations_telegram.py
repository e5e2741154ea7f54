"""app.telegram against a fake Bot API (tests/fakes/telegram.py): the sendMessage request and
output, Telegram's errors and flood limits, the getMe test, and a run through the engine."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.telegram import bot_api
from integrations.telegram.credentials import BotToken
from integrations.telegram.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.telegram import BOT_TOKEN, FakeTelegram
from workfuse.lib.node_run import NodeError, Secret

TELEGRAM = "app.telegram"


@pytest.fixture
def telegram(settings: Any) -> Iterator[FakeTelegram]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeTelegram()) as fake:
        yield fake


def bot(fake: FakeTelegram, token: str = BOT_TOKEN) -> Secret:
    return Secret("telegram", {"bot_token": token}, {"base_url": fake.url}, name="Ops bot")


def test_send_message_posts_to_the_bots_method_and_outputs_the_message(telegram):
    output = run_app(
        TELEGRAM,
        {"chat_id": "4242", "text": "Order <b>42</b> shipped", "parse_mode": "HTML"},
        bot(telegram),
    )

    [request] = telegram.requests
    assert (request.method, request.path) == ("POST", f"/bot{BOT_TOKEN}/sendMessage")
    assert request.json == {
        "chat_id": "4242",
        "text": "Order <b>42</b> shipped",
        "parse_mode": "HTML",
    }
    assert output["message_id"] == telegram.messages[0]["message_id"]
    assert output["chat"] == {"id": 4242} and output["text"] == "Order <b>42</b> shipped"


def test_plain_text_sends_no_parse_mode_and_a_numeric_chat_id_becomes_text(telegram):
    run_app(TELEGRAM, {"chat_id": -1001234567890, "text": "hi"}, bot(telegram))
    assert telegram.requests[0].json == {"chat_id": "-1001234567890", "text": "hi"}


@pytest.mark.parametrize(
    ("config", "field"), [({"text": "hi"}, "chat_id"), ({"chat_id": "1"}, "text")]
)
def test_chat_id_and_text_are_needed(config, field):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    assert [e["loc"] for e in caught.value.errors()] == [(field,)]


def test_a_bot_token_must_look_like_botfathers():
    with pytest.raises(ValidationError, match="must look like 123456789:AAE"):
        BotToken.model_validate({"bot_token": "not-a-token"})


def test_a_flood_limit_is_retried_after_telegrams_retry_after(telegram):
    body = {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    telegram.script(Answer(429, body))
    error = app_error(TELEGRAM, {"chat_id": "4242", "text": "hi"}, bot(telegram))
    assert error.retryable and error.retry_after == 7
    assert (
        "Telegram is rate limiting sendMessage (Too Many Requests: retry after 7)" in error.message
    )


def test_a_wrong_token_names_the_credential_and_never_shows_the_url(telegram):
    error = app_error(TELEGRAM, {"chat_id": "4242", "text": "hi"}, bot(telegram, "1:wrongToken"))
    assert not error.retryable
    assert error.message.startswith(
        "Telegram did not accept the credential “Ops bot” (Unauthorized)"
    )
    assert "/bot" not in error.message


def test_an_unknown_chat_is_telegrams_words_and_not_retried(telegram):
    error = app_error(TELEGRAM, {"chat_id": "999", "text": "hi"}, bot(telegram))
    assert error.message == "Telegram refused sendMessage (HTTP 400): Bad Request: chat not found"
    assert not error.retryable


def test_a_blocked_bot_is_not_a_credential_problem(telegram):
    telegram.script(
        Answer(
            403,
            {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            },
        )
    )
    error = app_error(TELEGRAM, {"chat_id": "4242", "text": "hi"}, bot(telegram))
    assert error.message == (
        "Telegram refused sendMessage (HTTP 403): Forbidden: bot was blocked by the user"
    )


def test_a_group_that_moved_says_which_chat_id_to_use(telegram):
    telegram.script(
        Answer(
            400,
            {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": -1009876},
            },
        )
    )
    error = app_error(TELEGRAM, {"chat_id": "4242", "text": "hi"}, bot(telegram))
    assert "(the group is now chat -1009876: use that chat_id)" in error.message


def test_the_test_is_get_me(telegram):
    assert (
        bot_api.check_bot_token(bot(telegram))
        == "Connected to the Telegram bot @ops_bot (Ops Bot)."
    )
    assert [r.path for r in telegram.requests] == [f"/bot{BOT_TOKEN}/getMe"]


def test_the_test_fails_for_a_wrong_token(telegram):
    with pytest.raises(
        NodeError, match="did not accept the credential “Ops bot” \\(Unauthorized\\)"
    ):
        bot_api.check_bot_token(bot(telegram, "1:revoked"))


@pytest.mark.django_db(transaction=True)
def test_a_run_sends_the_rendered_message(alice, telegram):
    credential = store.create(
        alice, "Ops bot", "telegram", {"bot_token": BOT_TOKEN, "base_url": telegram.url}
    )
    node = {
        "id": "tell",
        "type": TELEGRAM,
        "config": {
            "credential": credential.pk,
            "chat_id": "{{ trigger.chat }}",
            "text": "Deployed {{ trigger.version }}",
        },
    }

    execution = engine.start_execution(
        make_workflow(alice, chain(node)), {"chat": 4242, "version": "2.0"}
    )

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="tell")
    assert step.output["text"] == "Deployed 2.0"
    assert telegram.messages[0]["chat_id"] == "4242"
    assert BOT_TOKEN not in json.dumps([step.input, step.output])
