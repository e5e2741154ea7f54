"""app.sendgrid against a fake SendGrid (tests/fakes/sendgrid.py): the v3 mail/send request
(path, bearer key, body) for written and templated emails and the output, SendGrid's errors,
rate limits (X-RateLimit-Reset) and auth failures, the test call, and a run through the
engine."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.sendgrid import mail_api
from integrations.sendgrid.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.sendgrid import API_KEY, READ_ONLY_KEY, FakeSendGrid
from workfuse.lib.node_run import NodeError, Secret

SENDGRID = "app.sendgrid"


@pytest.fixture
def sendgrid(settings: Any) -> Iterator[FakeSendGrid]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeSendGrid()) as fake:
        yield fake


def key(fake: FakeSendGrid, api_key: str = API_KEY) -> Secret:
    return Secret("sendgrid", {"api_key": api_key}, {"base_url": fake.url}, name="Acme SendGrid")


def written(**config: Any) -> dict[str, Any]:
    return {
        "from_email": "orders@acme.test",
        "to": ["ada@example.com"],
        "subject": "Order 42",
        "text": "Thanks!",
        **config,
    }


# --- the request and the output ------------------------------------------------------------------


def test_send_posts_v3_mail_send_with_the_key_and_outputs_the_message_id(sendgrid):
    output = run_app(
        SENDGRID,
        written(
            from_name="Acme Orders",
            to="Ada Lovelace <ada@example.com>, bob@example.com",
            html="<p>Thanks!</p>",
        ),
        key(sendgrid),
    )

    [request] = sendgrid.requests
    assert (request.method, request.path) == ("POST", "/v3/mail/send")
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.json == {
        "personalizations": [
            {
                "to": [
                    {"email": "ada@example.com", "name": "Ada Lovelace"},
                    {"email": "bob@example.com"},
                ]
            }
        ],
        "from": {"email": "orders@acme.test", "name": "Acme Orders"},
        "subject": "Order 42",
        "content": [
            {"type": "text/plain", "value": "Thanks!"},
            {"type": "text/html", "value": "<p>Thanks!</p>"},
        ],
    }
    assert output == {
        "accepted": True,
        "message_id": "fakeMsg0001",
        "to": ["ada@example.com", "bob@example.com"],
    }


def test_a_dynamic_template_sends_its_id_and_data_instead_of_content(sendgrid):
    run_app(
        SENDGRID,
        {
            "from_email": "hello@acme.test",
            "to": ["ada@example.com"],
            "template_id": "d-1234567890abcdef",
            "dynamic_template_data": '{"name": "Ada", "items": [1, 2]}',
        },
        key(sendgrid),
    )

    body = sendgrid.requests[0].json
    assert body["template_id"] == "d-1234567890abcdef"
    assert body["personalizations"] == [
        {
            "to": [{"email": "ada@example.com"}],
            "dynamic_template_data": {"name": "Ada", "items": [1, 2]},
        }
    ]
    assert "content" not in body and "subject" not in body
    assert sendgrid.sent == [body]


# --- SendGrid's errors ------------------------------------------------------------------------------


def test_sendgrids_refusal_names_the_field_it_objects_to(sendgrid):
    error = app_error(
        SENDGRID, {**written(), "text": "", "template_id": "not-a-template"}, key(sendgrid)
    )
    assert not error.retryable
    assert error.message == (
        "SendGrid refused mail/send (HTTP 400): template_id: The template_id must be a valid GUID."
    )


def test_a_wrong_key_is_not_retried_and_names_the_credential(sendgrid):
    error = app_error(SENDGRID, written(), key(sendgrid, "SG.wrong"))
    assert not error.retryable
    assert error.message.startswith(
        "SendGrid did not accept the credential “Acme SendGrid” (The provided authorization grant"
    )


def test_a_key_without_mail_send_is_an_auth_error_too(sendgrid):
    error = app_error(SENDGRID, written(), key(sendgrid, READ_ONLY_KEY))
    assert not error.retryable
    assert "did not accept the credential “Acme SendGrid” (access forbidden)" in error.message


def test_429_waits_until_x_ratelimit_reset(sendgrid):
    reset = int(time.time()) + 30
    sendgrid.script(
        Answer(
            429,
            {"errors": [{"field": None, "message": "too many requests"}]},
            {
                "X-RateLimit-Limit": "600",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(reset),
            },
        )
    )
    error = app_error(SENDGRID, written(), key(sendgrid))
    assert error.retryable and 27 <= error.retry_after <= 30
    assert error.message.startswith("SendGrid is rate limiting mail/send (too many requests)")


def test_sendgrid_failing_is_retried(sendgrid):
    sendgrid.script(Answer(500, {"errors": [{"field": None, "message": "internal error"}]}))
    error = app_error(SENDGRID, written(), key(sendgrid))
    assert error.retryable and "internal error" in error.message


def test_private_targets_are_refused_unless_allowed(sendgrid, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    error = app_error(SENDGRID, written(), key(sendgrid))
    assert "Refused to connect to 127.0.0.1 (loopback address)" in error.message
    assert sendgrid.requests == []


# --- the settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "field", "message"),
    [
        ({**written(), "subject": ""}, "subject", "Needed unless a template_id gives the email."),
        ({**written(), "text": ""}, "text", "Give text, html or a template_id."),
        ({**written(), "to": "ada at example"}, "to", "“ada at example” is not an email address"),
        ({**written(), "from_email": "a@x.test, b@x.test"}, "from_email", "must be one email"),
        ({**written(), "to": []}, "to", "Needed for the send operation."),
        (
            {**written(), "template_id": "d-1", "dynamic_template_data": "[1]"},
            "dynamic_template_data",
            "must be a JSON object of template data",
        ),
        ({**written(), "dynamic_template_data": {"a": 1}}, "dynamic_template_data", "Only used"),
    ],
)
def test_the_settings_are_checked_on_their_fields(config, field, message):
    with pytest.raises(ValidationError) as caught:
        Config.model_validate(config)
    [error] = caught.value.errors()
    assert error["loc"] == (field,) and message in error["msg"]


def test_templates_pass_until_they_are_filled_in():
    config = Config.model_validate(
        written(to=["{{ trigger.body.email }}"], from_email="{{ workflow.sender }}")
    )
    assert config.to == ["{{ trigger.body.email }}"]
    rendered = Config.model_validate(written(to=[["ada@example.com", "bob@example.com"]]))
    assert rendered.to == ["ada@example.com", "bob@example.com"]  # a template gave a list


# --- Test connection --------------------------------------------------------------------------------


def test_the_test_reads_the_keys_scopes(sendgrid):
    assert mail_api.check_api_key(key(sendgrid)) == (
        "Connected to SendGrid: the key may send mail (2 permissions)."
    )
    [request] = sendgrid.requests
    assert (request.method, request.path) == ("GET", "/v3/scopes")
    assert request.headers["authorization"] == f"Bearer {API_KEY}"


def test_the_test_fails_on_a_wrong_key_with_401(sendgrid):
    with pytest.raises(NodeError, match="did not accept the credential “Acme SendGrid”"):
        mail_api.check_api_key(key(sendgrid, "SG.revoked"))


def test_the_test_fails_for_a_key_that_may_not_send(sendgrid):
    with pytest.raises(NodeError, match="may not send mail: give it Mail Send access"):
        mail_api.check_api_key(key(sendgrid, READ_ONLY_KEY))


# --- through the engine ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_run_sends_the_rendered_email_and_stores_no_key(alice, sendgrid):
    credential = store.create(
        alice, "Acme SendGrid", "sendgrid", {"api_key": API_KEY, "base_url": sendgrid.url}
    )
    config = written(to=["{{ trigger.email }}"], subject="Order {{ trigger.id }}")
    node = {"id": "mail", "type": SENDGRID, "config": {"credential": credential.pk, **config}}

    execution = engine.start_execution(
        make_workflow(alice, chain(node)), {"email": "ada@example.com", "id": 42}
    )

    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    step = Step.objects.get(execution=execution, key="mail")
    assert step.output["message_id"] == "fakeMsg0001"
    [sent] = sendgrid.sent
    assert sent["subject"] == "Order 42"
    assert sent["personalizations"][0]["to"] == [{"email": "ada@example.com"}]
    assert API_KEY not in json.dumps(step.output) + json.dumps(step.input)


@pytest.mark.django_db(transaction=True)
def test_the_welcome_starter_sends_the_template_with_the_first_name(alice, sendgrid):
    from editor.gallery import TEMPLATES

    credential = store.create(
        alice, "Acme SendGrid", "sendgrid", {"api_key": API_KEY, "base_url": sendgrid.url}
    )
    graph = TEMPLATES["welcome-with-sendgrid-template"].new_graph()
    welcome = next(n for n in graph["nodes"] if n["type"] == SENDGRID)
    welcome["config"]["credential"] = credential.pk

    execution = engine.start_execution(
        make_workflow(alice, graph), {"body": {"email": " Ada@Example.com", "first_name": "Ada"}}
    )
    anonymous = engine.start_execution(
        make_workflow(alice, graph), {"body": {"email": "bob@example.com"}}
    )

    execution.refresh_from_db()
    anonymous.refresh_from_db()
    assert (execution.status, anonymous.status) == ("succeeded", "succeeded"), execution.error
    ada, bob = sendgrid.sent
    assert ada["template_id"].startswith("d-")
    assert ada["personalizations"] == [
        {"to": [{"email": "ada@example.com"}], "dynamic_template_data": {"first_name": "Ada"}}
    ]
    assert bob["personalizations"][0]["dynamic_template_data"] == {"first_name": "there"}


# --- svcb: Marketing contacts ------------------------------------------------------------------


def test_a_contact_is_upserted_found_by_email_and_id_and_deleted(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeSendGrid()) as fake:
        secret = Secret("sendgrid", {"api_key": API_KEY}, {"base_url": fake.url}, name="Mail")
        added = run_app(
            "app.sendgrid",
            {"operation": "upsert_contact", "email": "ada@x.test", "first_name": "Ada"},
            secret,
        )
        run_app(
            "app.sendgrid",
            {"operation": "upsert_contact", "email": "ada@x.test", "last_name": "Lovelace"},
            secret,
        )
        found = run_app("app.sendgrid", {"operation": "get_contact", "email": "ada@x.test"}, secret)
        by_id = run_app(
            "app.sendgrid", {"operation": "get_contact", "contact_id": found["id"]}, secret
        )
        gone = run_app(
            "app.sendgrid", {"operation": "delete_contact", "contact_id": found["id"]}, secret
        )
        missing = app_error(
            "app.sendgrid", {"operation": "get_contact", "email": "ada@x.test"}, secret
        )
    assert added["job_id"].startswith("fakeJob") and gone["job_id"].startswith("fakeJob")
    assert fake.requests[0].method == "PUT" and fake.requests[0].path == "/v3/marketing/contacts"
    assert fake.requests[0].json == {"contacts": [{"email": "ada@x.test", "first_name": "Ada"}]}
    assert (found["first_name"], found["last_name"]) == ("Ada", "Lovelace") and by_id == found
    assert fake.requests[-2].query == {"ids": [found["id"]]}
    assert missing.message == "SendGrid refused get_contact (HTTP 404): contacts not found"


def test_contact_operations_need_their_fields_and_no_email_content():
    assert Config.model_validate({"operation": "upsert_contact", "email": "a@x.test"})
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"operation": "get_contact"})
    assert caught.value.errors()[0]["loc"] == ("contact_id",)
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"operation": "delete_contact"})
    assert caught.value.errors()[0]["loc"] == ("contact_id",)


# --- end svcb ---
