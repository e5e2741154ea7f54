"""app.twilio against a fake Twilio (tests/fakes/twilio.py): the SMS request (path, basic auth,
form, idempotency token) and its output, Twilio's errors, rate limits and auth failures, the
credential's fields and test, and runs through the engine."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from pydantic import ValidationError

from credentials import store
from editor.nodes import NODE_TYPES
from executions import engine
from executions.models import Step
from integrations.twilio import rest_api
from integrations.twilio.credentials import AuthToken
from integrations.twilio.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, NUMBER, FakeTwilio
from workfuse.lib.node_run import NodeError, RunContext, Secret

TWILIO = "app.twilio"
MESSAGES = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"


@pytest.fixture
def twilio(settings: Any) -> Iterator[FakeTwilio]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeTwilio()) as fake:
        yield fake


def account(fake: FakeTwilio, token: str = AUTH_TOKEN, **settings: str) -> Secret:
    return Secret(
        "twilio",
        {"auth_token": token},
        {"account_sid": ACCOUNT_SID, "base_url": fake.url, "default_from": NUMBER, **settings},
        name="Acme Twilio",
    )


def sms(**config: Any) -> dict[str, Any]:
    return {"to": "+14155550100", "body": "Your order shipped", **config}


# --- the request and the output ------------------------------------------------------------------


def test_send_sms_posts_the_form_with_basic_auth_and_outputs_the_message(twilio):
    output = run_app(TWILIO, sms(), account(twilio))

    [request] = twilio.requests
    assert (request.method, request.path) == ("POST", MESSAGES)
    expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected}"
    assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert request.form == {"To": "+14155550100", "Body": "Your order shipped", "From": NUMBER}
    assert request.headers["i-twilio-idempotency-token"] == "exec-1:app"
    assert output["sid"].startswith("SM") and output["status"] == "queued"
    assert output == twilio.messages[0]


def test_the_nodes_from_number_or_messaging_service_wins_over_the_default(twilio):
    run_app(TWILIO, sms(from_number="+14155550111"), account(twilio))
    assert twilio.requests[-1].form["From"] == "+14155550111"
    service = "MG" + "ab" * 16
    twilio.by_token.clear()  # run_app's steps share one idempotency token
    output = run_app(TWILIO, sms(from_number=service), account(twilio))
    form = twilio.requests[-1].form
    assert form["MessagingServiceSid"] == service and "From" not in form
    assert output["status"] == "accepted"


def test_without_any_sender_the_node_says_where_to_give_one(twilio):
    error = app_error(TWILIO, sms(), account(twilio, default_from=""))
    assert "Give a from_number in this node, or a default sender on the credential" in error.message
    assert twilio.requests == []


def test_a_retried_step_sends_the_same_idempotency_token_and_twilio_sends_once(twilio):
    node = NODE_TYPES[TWILIO]
    ctx = RunContext(execution_id="exec-9", node_id="sms", step_key="sms", secret=account(twilio))
    first = node.run(Config.model_validate(sms()), ctx)
    ctx.attempt = 2
    again = node.run(Config.model_validate(sms()), ctx)

    tokens = {r.headers["i-twilio-idempotency-token"] for r in twilio.requests}
    assert tokens == {"exec-9:sms"}
    assert again["sid"] == first["sid"] and len(twilio.messages) == 1


# --- Twilio's errors -------------------------------------------------------------------------------


def test_twilios_refusal_quotes_its_message_code_and_help_link(twilio):
    error = app_error(TWILIO, sms(to="+15005550001"), account(twilio))
    assert not error.retryable
    assert error.message == (
        "Twilio refused Messages (HTTP 400): The 'To' number +15005550001 is not a valid phone number. "
        "(error 21211, https://www.twilio.com/docs/errors/21211)"
    )


def test_a_wrong_token_is_not_retried_and_names_the_credential(twilio):
    error = app_error(TWILIO, sms(), account(twilio, token="wrong-token"))
    assert not error.retryable
    assert "Twilio did not accept the credential “Acme Twilio” (Authenticate (error 20003" in (
        error.message
    )
    assert "Credentials page" in error.message


def test_http_429_is_retried_after_retry_after(twilio):
    twilio.script(
        Answer(
            429,
            {"code": 20429, "message": "Too Many Requests", "more_info": "", "status": 429},
            {"Retry-After": "5"},
        )
    )
    error = app_error(TWILIO, sms(), account(twilio))
    assert error.retryable and error.retry_after == 5
    assert "Twilio is rate limiting Messages (Too Many Requests (error 20429))" in error.message


def test_twilio_failing_is_retried(twilio):
    twilio.script(Answer(503, "Service Unavailable"))
    error = app_error(TWILIO, sms(), account(twilio))
    assert error.retryable


def test_private_targets_are_refused_unless_allowed(twilio, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    error = app_error(TWILIO, sms(), account(twilio))
    assert "Refused to connect to 127.0.0.1 (loopback address)" in error.message
    assert twilio.requests == []


# --- the settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "field", "message"),
    [
        ({"body": "hi"}, "to", "Needed for the send_sms operation."),
        ({"to": "+14155550100"}, "body", "Needed for the send_sms operation."),
        ({"to": "0415 555", "body": "hi"}, "to", "must be a phone number in E.164 form"),
        ({"to": "+14155550100", "body": "x" * 1601}, "body", "at most 1600 characters"),
        (
            {"to": "+14155550100", "body": "hi", "from_number": "not a sender!"},
            "from_number",
            "E.164",
        ),
    ],
)
def test_the_settings_are_checked_on_their_fields(config, field, message):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    [error] = caught.value.errors()
    assert error["loc"] == (field,) and message in error["msg"]


def test_a_templated_or_spaced_number_is_accepted():
    assert Config.model_validate(sms(to="+1 415 555 0100")).to == "+14155550100"
    assert (
        Config.model_validate(sms(to="{{ trigger.body.phone }}")).to == "{{ trigger.body.phone }}"
    )


def test_the_credential_checks_the_account_sid_and_sender():
    with pytest.raises(ValidationError, match="must be AC followed by 32 hex digits"):
        AuthToken.model_validate({"auth_token": "t", "account_sid": "AC123"})
    with pytest.raises(ValidationError, match=r"E\.164"):
        AuthToken.model_validate(
            {"auth_token": "t", "account_sid": ACCOUNT_SID, "default_from": "0415-555"}
        )


# --- Test connection --------------------------------------------------------------------------------


def test_the_test_reads_the_account(twilio):
    assert rest_api.check_account(account(twilio)) == (
        "Connected to the Twilio account “Acme Ops” (active)."
    )
    [request] = twilio.requests
    assert (request.method, request.path) == ("GET", f"/2010-04-01/Accounts/{ACCOUNT_SID}.json")


def test_the_test_fails_on_a_wrong_token_with_401(twilio):
    with pytest.raises(NodeError, match="did not accept the credential “Acme Twilio”"):
        rest_api.check_account(account(twilio, token="revoked"))


def test_the_test_fails_for_a_suspended_account(twilio):
    twilio.status = "suspended"
    with pytest.raises(NodeError, match="“Acme Ops” is suspended"):
        rest_api.check_account(account(twilio))


# --- through the engine ---------------------------------------------------------------------------


def stored(owner: Any, fake: FakeTwilio) -> Any:
    value = {
        "auth_token": AUTH_TOKEN,
        "account_sid": ACCOUNT_SID,
        "default_from": NUMBER,
        "base_url": fake.url,
    }
    return store.create(owner, "Acme Twilio", "twilio", value)


@pytest.mark.django_db(transaction=True)
def test_a_run_texts_the_rendered_message_and_stores_no_token(alice, twilio):
    credential = stored(alice, twilio)
    node = {
        "id": "text",
        "type": TWILIO,
        "config": {
            "credential": credential.pk,
            "to": "{{ trigger.phone }}",
            "body": "Order {{ trigger.id }}",
        },
    }
    execution = engine.start_execution(
        make_workflow(alice, chain(node)), {"phone": "+14155550100", "id": 7}
    )

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="text")
    assert step.output["sid"] == twilio.messages[0]["sid"]
    assert twilio.messages[0]["body"] == "Order 7"
    assert twilio.requests[0].headers["i-twilio-idempotency-token"] == f"{execution.pk}:text"
    assert AUTH_TOKEN not in json.dumps(step.output) + json.dumps(step.input)


@pytest.mark.django_db(transaction=True)
def test_a_rate_limited_run_waits_then_sends_once(alice, twilio):
    credential = stored(alice, twilio)
    node = {"id": "text", "type": TWILIO, "config": {"credential": credential.pk, **sms()}}
    node["retry"] = {"max_attempts": 3, "initial_delay_ms": 1000}
    twilio.script(
        Answer(429, {"code": 20429, "message": "Too Many Requests"}, {"Retry-After": "20"})
    )

    execution = engine.start_execution(make_workflow(alice, chain(node)), {})

    step = Step.objects.get(execution=execution, key="text")
    assert step.status == "waiting"
    assert 18 < (step.wake_at - timezone.now()).total_seconds() <= 21
    engine.sweep(now=step.wake_at)
    step.refresh_from_db()
    assert (step.status, step.attempt) == ("succeeded", 2)
    assert len(twilio.messages) == 1
