"""app.mailgun against a fake Mailgun (tests/fakes/mailgun.py): the message's form and output,
the region's host, Mailgun's errors, the key's test, and a run through the engine with a stored
credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.mailgun import messages_api
from integrations.mailgun.node import Config
from integrations.registry import credential_kind
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.mailgun import DOMAIN, KEY, FakeMailgun
from workfuse.lib.node_run import NodeError, Secret

MG = "app.mailgun"
MAIL = {"from_email": f"alerts@{DOMAIN}", "to": "ops@example.com", "subject": "Hi", "text": "Hello"}


@pytest.fixture
def mailgun(settings: Any) -> Iterator[FakeMailgun]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeMailgun()) as fake:
        yield fake


def key(fake: FakeMailgun, value: str = KEY, domain: str = DOMAIN) -> Secret:
    settings = {"base_url": fake.url, "domain": domain, "region": "us"}
    return Secret("mailgun", {"api_key": value}, settings, name="Mail")


def test_send_posts_the_form_to_the_domain_and_outputs_mailgun_s_answer(mailgun):
    output = run_app(MG, MAIL | {"cc": "a@example.com, b@example.com"}, key(mailgun))
    [request] = mailgun.requests
    assert (request.method, request.path) == ("POST", f"/v3/{DOMAIN}/messages")
    assert request.form == {
        "from": f"alerts@{DOMAIN}",
        "to": "ops@example.com",
        "cc": "a@example.com, b@example.com",
        "subject": "Hi",
        "text": "Hello",
    }
    assert output == {"id": f"<20261206.1@{DOMAIN}>", "message": "Queued. Thank you."}


def test_the_credential_names_the_domain_and_the_region_s_host():
    kind = credential_kind("mailgun")
    assert kind is not None
    secrets, settings = kind.split({"api_key": KEY, "domain": DOMAIN, "region": "eu"})
    assert secrets == {"api_key": KEY}
    assert settings == {"domain": DOMAIN, "region": "eu"}
    with pytest.raises(ValidationError):
        kind.split({"api_key": KEY, "domain": DOMAIN, "region": "asia"})


def test_a_send_needs_a_sender_and_recipients():
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({"to": "a@example.com"})
    assert caught.value.errors()[0]["loc"] == ("from_email",)


def test_mailgun_s_errors_are_quoted_and_a_wrong_key_names_the_credential(mailgun):
    failed = app_error(MG, MAIL, key(mailgun, "key-old"))
    assert not failed.retryable
    assert failed.message.startswith("Mailgun did not accept the credential “Mail” (Forbidden)")
    empty = app_error(MG, MAIL | {"text": ""}, key(mailgun))
    assert empty.message == (
        "Mailgun refused send_email (HTTP 400): Need at least one of 'text', 'html' parameters "
        "specified"
    )
    elsewhere = app_error(MG, MAIL, key(mailgun, domain="other.example.com"))
    assert elsewhere.message.endswith("(HTTP 404): Domain not found: other.example.com")


def test_the_key_test_reads_the_domain_s_tags(mailgun):
    assert messages_api.check_key(key(mailgun)) == (
        f"Connected to Mailgun: {DOMAIN} accepts the key."
    )
    assert mailgun.requests[0].path == f"/v3/{DOMAIN}/tags"
    with pytest.raises(NodeError, match="did not accept the credential “Mail”"):
        messages_api.check_key(key(mailgun, "key-old"))


@pytest.mark.django_db(transaction=True)
def test_a_run_sends_the_rendered_email(alice, mailgun):
    credential = store.create(
        alice, "Mail", "mailgun", {"api_key": KEY, "domain": DOMAIN, "base_url": mailgun.url}
    )
    config = {"credential": credential.pk, **MAIL, "subject": "{{ trigger.site }} - phishing"}
    graph = chain({"id": "mail", "type": MG, "config": config})
    execution = engine.start_execution(make_workflow(alice, graph), {"site": "steam.example"})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert [m["subject"] for m in mailgun.sent] == ["steam.example - phishing"]
    step = Step.objects.get(execution=execution, key="mail")
    assert step.output == {"id": f"<20261206.1@{DOMAIN}>", "message": "Queued. Thank you."}
    assert KEY not in json.dumps([s.input for s in execution.steps.all()])
