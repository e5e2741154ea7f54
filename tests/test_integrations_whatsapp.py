"""app.whatsapp against a fake Cloud API (tests/fakes/whatsapp.py): the message each operation
sends (path, bearer token, JSON) and its output, the Graph API's errors, rate limits and a wrong
token, the credential's fields and test, and a run through the engine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.whatsapp import cloud_api
from integrations.whatsapp.credentials import CloudApi
from integrations.whatsapp.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import Answer, running
from tests.fakes.whatsapp import (
    MEDIA,
    MEDIA_ID,
    NOT_ALLOWED,
    PHONE_NUMBER_ID,
    TOKEN,
    WABA_ID,
    FakeWhatsApp,
)
from workfuse.lib.node_run import NodeError, Secret

WHATSAPP = "app.whatsapp"
MESSAGES = f"/v21.0/{PHONE_NUMBER_ID}/messages"


@pytest.fixture
def whatsapp(settings: Any) -> Iterator[FakeWhatsApp]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeWhatsApp()) as fake:
        yield fake


def account(fake: FakeWhatsApp, token: str = TOKEN) -> Secret:
    return Secret(
        "whatsapp",
        {"access_token": token},
        {"business_account_id": WABA_ID, "base_url": fake.url},
        name="Acme WhatsApp",
    )


def message(**config: Any) -> dict[str, Any]:
    return {"phone_number_id": PHONE_NUMBER_ID, "to": "+1 (650) 555-1234", **config}


# --- what each operation sends ---------------------------------------------------------------


def test_send_text_posts_the_message_with_the_bearer_token_and_outputs_the_answer(whatsapp):
    output = run_app(WHATSAPP, message(text="Hello from Acme", preview_url=True), account(whatsapp))

    [request] = whatsapp.requests
    assert (request.method, request.path) == ("POST", MESSAGES)
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.json == {
        "messaging_product": "whatsapp",
        "to": "16505551234",
        "type": "text",
        "text": {"body": "Hello from Acme", "preview_url": True},
    }
    assert output["messaging_product"] == "whatsapp"
    assert output["contacts"] == [{"input": "16505551234", "wa_id": "16505551234"}]
    assert output["messages"][0]["id"].startswith("wamid.")


def test_send_media_by_link_or_id_with_caption_and_a_documents_filename(whatsapp):
    run_app(
        WHATSAPP,
        message(
            operation="send_media",
            media_type="document",
            media="https://files.example.com/a.pdf",
            caption="Your invoice",
            filename="invoice.pdf",
        ),
        account(whatsapp),
    )
    run_app(
        WHATSAPP,
        message(operation="send_media", media_type="audio", media="4490709327", caption="x"),
        account(whatsapp),
    )
    document, audio = (r.json for r in whatsapp.requests)
    assert document["type"] == "document"
    assert document["document"] == {
        "link": "https://files.example.com/a.pdf",
        "caption": "Your invoice",
        "filename": "invoice.pdf",
    }
    assert audio["type"] == "audio" and audio["audio"] == {"id": "4490709327"}  # no caption


def test_send_template_sends_its_name_language_and_components(whatsapp):
    components = [{"type": "body", "parameters": [{"type": "text", "text": "Laura"}]}]
    run_app(
        WHATSAPP,
        message(
            operation="send_template",
            template_name="order_update",
            template_language="en_US",
            components=components,
        ),
        account(whatsapp),
    )
    assert whatsapp.requests[0].json["template"] == {
        "name": "order_update",
        "language": {"code": "en_US"},
        "components": components,
    }


def test_get_media_url_asks_for_the_media_and_outputs_its_url(whatsapp):
    output = run_app(WHATSAPP, {"operation": "get_media_url", "media": MEDIA_ID}, account(whatsapp))
    assert (whatsapp.requests[0].method, whatsapp.requests[0].path) == ("GET", f"/v21.0/{MEDIA_ID}")
    assert output == MEDIA
    error = app_error(WHATSAPP, {"operation": "get_media_url", "media": "x.jpg"}, account(whatsapp))
    assert error.message == "media: a media id is digits, not 'x.jpg'"


def test_settings_are_checked_on_their_fields():
    with pytest.raises(ValidationError) as media:
        Config.model_validate(message(operation="send_media"))
    assert media.value.errors()[0]["loc"] == ("media",)
    with pytest.raises(ValidationError) as phone:
        Config.model_validate(message(phone_number_id="+1 555 078 3881 ext", text="x"))
    assert phone.value.errors()[0]["loc"] == ("phone_number_id",)
    with pytest.raises(ValidationError) as text:
        Config.model_validate(message())
    assert text.value.errors()[0]["loc"] == ("text",)
    templated = Config.model_validate(message(to="{{ trigger.messages[0].from }}", text="x"))
    assert templated.to == "{{ trigger.messages[0].from }}"


# --- the Cloud API's errors ----------------------------------------------------------------


def test_a_refusal_quotes_the_graph_error_and_is_not_retried(whatsapp):
    error = app_error(WHATSAPP, message(to=NOT_ALLOWED, text="hi"), account(whatsapp))
    assert not error.retryable
    assert error.message == (
        "WhatsApp refused messages (HTTP 400): (#131030) Recipient phone number not in allowed "
        "list (code 131030)"
    )


def test_a_wrong_token_names_the_credential_and_is_not_retried(whatsapp):
    error = app_error(WHATSAPP, message(text="hi"), account(whatsapp, token="wrong"))
    assert not error.retryable
    assert "WhatsApp did not accept the credential “Acme WhatsApp”" in error.message
    assert "Invalid OAuth access token" in error.message


def test_throughput_limits_are_retried_whether_429_or_400_with_a_rate_code(whatsapp):
    throttled = {
        "error": {"message": "(#130429) Rate limit hit", "type": "OAuthException", "code": 130429}
    }
    whatsapp.script(Answer(400, throttled), Answer(429, throttled, {"Retry-After": "7"}))
    first = app_error(WHATSAPP, message(text="hi"), account(whatsapp))
    second = app_error(WHATSAPP, message(text="hi"), account(whatsapp))
    assert first.retryable and "rate limiting messages" in first.message
    assert second.retryable and second.retry_after == 7


def test_without_a_credential_the_node_says_what_to_choose():
    error = app_error(WHATSAPP, message(text="hi"), None)
    assert "Choose a credential" in error.message and "WhatsApp Cloud API" in error.message


# --- the credential ------------------------------------------------------------------------


def test_the_credential_test_lists_the_accounts_numbers(whatsapp):
    said = cloud_api.check_account(account(whatsapp))
    assert said == (
        f"Connected to the WhatsApp Business Account {WABA_ID}: +1 555-078-3881 "
        f"(ID {PHONE_NUMBER_ID})."
    )
    with pytest.raises(NodeError) as wrong:
        cloud_api.check_account(account(whatsapp, token="nope"))
    assert "did not accept the credential" in wrong.value.message


def test_the_business_account_id_must_be_numeric():
    with pytest.raises(ValidationError) as info:
        CloudApi.model_validate({"access_token": "t", "business_account_id": "acme"})
    assert info.value.errors()[0]["loc"] == ("business_account_id",)


@pytest.mark.django_db(transaction=True)
def test_a_workflow_replies_to_the_sender_through_the_engine(alice, whatsapp):
    value = {"access_token": TOKEN, "business_account_id": WABA_ID, "base_url": whatsapp.url}
    credential = store.create(alice, "wa", "whatsapp", value)
    reply = {
        "id": "reply",
        "type": WHATSAPP,
        "config": {
            "credential": credential.pk,
            "phone_number_id": PHONE_NUMBER_ID,
            "to": "{{ trigger.from }}",
            "text": "You said: {{ trigger.text }}",
        },
    }
    execution = engine.start_execution(
        make_workflow(alice, chain(reply)), {"from": "16505551234", "text": "hi"}
    )
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert whatsapp.sent[0]["text"]["body"] == "You said: hi"
    output = Step.objects.get(execution=execution, key="reply").output
    assert output["messages"][0]["id"].startswith("wamid.")
    assert TOKEN not in str(Step.objects.get(execution=execution, key="reply").input)
