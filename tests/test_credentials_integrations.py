"""Integration credentials on the credentials page and the API: a form per kind from its
fields (secret fields write-only, the others shown and editable), field-level errors, editing
that keeps what was not retyped, "Test connection" against the fake services, and the value a
step resolves."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from accounts.models import SecurityEvent
from credentials import runtime, store
from credentials.models import Credential
from credentials.vault import get_vault
from integrations import registry
from tests.conftest import ApiClient
from tests.fakes import Answer, running
from tests.fakes.discord import WEBHOOK_TOKEN, FakeDiscord
from tests.fakes.slack import BOT_TOKEN, FakeSlack
from tests.test_credentials import Elements

pytestmark = pytest.mark.django_db

PAGE = "/credentials/"
URL = "/api/credentials"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def slack(settings: Any) -> Iterator[FakeSlack]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeSlack()) as fake:
        yield fake


def slack_credential(owner: Any, fake: FakeSlack, token: str = BOT_TOKEN) -> Credential:
    return store.create(
        owner, "Acme Slack", "slack", {"bot_token": token, "base_url": fake.api_url}
    )


def stored_secret(credential: Credential) -> dict[str, Any]:
    return json.loads(get_vault().get(Credential.objects.get(pk=credential.pk).secret_ref))


def field_block(html: str, name: str) -> str:
    start = html.index(f'data-field="{name}"')
    return html[start : html.index("</div>", start)]


# --- the add form follows the kind --------------------------------------------------------------


def test_every_integration_kind_is_offered_grouped_by_service(alice_client: Client) -> None:
    html = alice_client.get(PAGE).content.decode()
    assert '<optgroup label="General">' in html
    for service in registry.SERVICES:
        assert f'<optgroup label="{service.label}">' in html
        for kind in service.kinds:
            assert f'<option value="{kind.kind}">{kind.label}</option>' in html


@pytest.mark.parametrize("kind", sorted(registry.KINDS))
def test_choosing_a_kind_renders_its_fields_with_secrets_as_password_inputs(
    alice_client: Client, kind: str
) -> None:
    response = alice_client.get(PAGE, {"kind": kind}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="kind-fields"')
    fields = registry.KINDS[kind].Fields.model_fields
    page = Elements(html)
    for name in fields:
        [widget] = page.inputs(f"value-{name}")
        secret = name in registry.KINDS[kind].secret_fields
        assert widget["type"] == ("password" if secret else "text")
        if secret:
            assert "value" not in widget and widget["autocomplete"] == "off"
    assert set(registry.KINDS[kind].secret_fields) <= set(fields)


def test_a_base_kind_keeps_its_single_value_or_username_and_password(alice_client: Client) -> None:
    bearer = Elements(alice_client.get(PAGE, {"kind": "bearer"}, **HTMX).content.decode())
    assert bearer.inputs("value") and not bearer.inputs("username")
    basic = Elements(alice_client.get(PAGE, {"kind": "basic"}, **HTMX).content.decode())
    assert basic.inputs("username") and basic.inputs("password") and not basic.inputs("value")


def test_adding_a_slack_credential_keeps_the_token_in_the_vault_and_shows_the_base_url(
    alice: Any, alice_client: Client
) -> None:
    response = alice_client.post(
        PAGE,
        {
            "action": "create",
            "name": "Acme Slack",
            "kind": "slack",
            "value-bot_token": "xoxb-page-secret-4821",
            "value-base_url": "https://slack.example.org/api/",
        },
        follow=True,
    )

    html = response.content.decode()
    credential = Credential.objects.get(owner=alice, name="Acme Slack")
    assert (credential.kind, credential.settings) == (
        "slack",
        {"base_url": "https://slack.example.org/api"},
    )
    assert stored_secret(credential) == {"bot_token": "xoxb-page-secret-4821"}
    assert "xoxb-page-secret-4821" not in html
    assert "Slack bot token" in html and "base_url: https://slack.example.org/api" in html


def test_a_missing_or_malformed_field_is_refused_on_that_field(
    alice: Any, alice_client: Client, settings: Any
) -> None:
    response = alice_client.post(
        PAGE,
        {
            "action": "create",
            "name": "Ops bot",
            "kind": "telegram",
            "value-bot_token": "no-colon-here-7731",
            "value-base_url": "ftp://bots.example.org",
        },
    )

    assert response.status_code == 400
    assert not Credential.objects.exists()
    html = response.content.decode()
    assert "The bot token must look like 123456789:AAE…" in field_block(html, "bot_token")
    assert "The base URL must be an http:// or https:// URL with a host." in field_block(
        html, "base_url"
    )
    assert "no-colon-here-7731" not in html  # a typed secret never comes back
    assert 'value="ftp://bots.example.org"' in html  # a setting does, to be corrected
    assert 'id="add-dialog" class="dialog" open' in html


def test_a_missing_secret_says_to_enter_it(alice_client: Client) -> None:
    response = alice_client.post(
        PAGE, {"action": "create", "name": "Hook", "kind": "discord", "value-webhook_url": ""}
    )
    assert response.status_code == 400
    assert "Enter the webhook URL." in field_block(response.content.decode(), "webhook_url")


# --- editing ------------------------------------------------------------------------------------


def test_the_edit_form_shows_settings_but_never_the_secret(
    alice: Any, alice_client: Client, slack: FakeSlack
) -> None:
    credential = slack_credential(alice, slack)
    html = alice_client.get(PAGE).content.decode()
    page = Elements(html)
    [token] = page.inputs("value-bot_token")
    assert token["type"] == "password" and "value" not in token
    assert token["placeholder"] == "Unchanged unless you type a new one"
    [base_url] = page.inputs("value-base_url")
    assert base_url["value"] == slack.api_url
    assert f'id="id_{credential.pk}_value-base_url"' in html
    assert BOT_TOKEN not in html


def test_editing_on_the_page_changes_a_setting_and_keeps_an_untyped_secret(
    alice: Any, alice_client: Client, slack: FakeSlack
) -> None:
    credential = slack_credential(alice, slack)
    response = alice_client.post(
        PAGE,
        {
            "action": "rotate",
            "id": credential.pk,
            "value-bot_token": "",
            "value-base_url": "https://slack-gov.com/api",
        },
        follow=True,
    )

    credential.refresh_from_db()
    assert credential.settings == {"base_url": "https://slack-gov.com/api"}
    assert stored_secret(credential) == {"bot_token": BOT_TOKEN}
    assert credential.rotated_at is not None
    assert "Saved “Acme Slack”: the next runs use it." in response.content.decode()


def test_editing_on_the_page_replaces_a_typed_secret_and_clears_an_emptied_setting(
    alice: Any, alice_client: Client, slack: FakeSlack
) -> None:
    credential = slack_credential(alice, slack)
    alice_client.post(
        PAGE,
        {
            "action": "rotate",
            "id": credential.pk,
            "value-bot_token": "xoxb-new-9",
            "value-base_url": "",
        },
    )
    credential.refresh_from_db()
    assert credential.settings == {}
    assert stored_secret(credential) == {"bot_token": "xoxb-new-9"}


# --- the API ------------------------------------------------------------------------------------


def test_the_api_creates_an_integration_credential_from_an_object_of_fields(
    alice_api: ApiClient,
) -> None:
    response = alice_api.post(
        URL,
        {
            "name": "Ops bot",
            "kind": "telegram",
            "value": {"bot_token": "123:AAsecret-api-77", "base_url": "https://tg.example.org"},
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "telegram"
    assert body["settings"] == {"base_url": "https://tg.example.org"}
    assert "AAsecret-api-77" not in response.content.decode()
    assert stored_secret(Credential.objects.get(pk=body["id"])) == {
        "bot_token": "123:AAsecret-api-77"
    }


@pytest.mark.parametrize(
    ("value", "field", "message"),
    [
        ("xoxb-as-a-string", "value", "A Slack bot token credential's value is an object"),
        ({}, "value.bot_token", "Enter the bot token."),
        ({"bot_token": "x", "channel": "C1"}, "value.channel", "Unknown field 'channel'"),
        ({"bot_token": "x", "base_url": "slack.com"}, "value.base_url", "must be an http://"),
    ],
)
def test_the_api_names_the_field_it_refuses(
    alice_api: ApiClient, value: Any, field: str, message: str
) -> None:
    response = alice_api.post(URL, {"name": "S", "kind": "slack", "value": value})
    assert response.status_code == 400
    details = response.json()["details"]
    assert details[0]["field"] == field and message in details[0]["message"]
    assert not Credential.objects.exists()


def test_an_unknown_kind_lists_the_integration_kinds_too(alice_api: ApiClient) -> None:
    response = alice_api.post(URL, {"name": "S", "kind": "slak", "value": {}})
    assert response.status_code == 400
    assert "slack, slack_webhook, discord, telegram" in response.json()["message"]


def test_rotating_through_the_api_changes_only_the_fields_given(
    alice: Any, alice_api: ApiClient, slack: FakeSlack
) -> None:
    credential = slack_credential(alice, slack)
    path = f"{URL}/{credential.pk}"

    alice_api.put(path, {"value": {"bot_token": "xoxb-rotated-5"}})
    credential.refresh_from_db()
    assert stored_secret(credential) == {"bot_token": "xoxb-rotated-5"}
    assert credential.settings == {"base_url": slack.api_url}

    response = alice_api.put(path, {"value": {"base_url": None}})
    assert response.status_code == 200 and response.json()["settings"] == {}
    assert stored_secret(credential) == {"bot_token": "xoxb-rotated-5"}

    refused = alice_api.put(path, {"value": {"bot_token": ""}})
    assert refused.status_code == 400
    assert refused.json()["details"] == [
        {"field": "value.bot_token", "message": "Enter the bot token."}
    ]


def test_the_openapi_description_lists_each_kinds_fields(alice_client: Client) -> None:
    schema = alice_client.get("/api/openapi.json").json()
    text = json.dumps(schema)
    assert "'slack' (Slack bot token): {bot_token (secret), base_url (optional)}" in text
    assert "/api/credentials/{credential_id}/test" in schema["paths"]


# --- what a step resolves -----------------------------------------------------------------------


def test_a_step_gets_the_secret_fields_as_value_and_the_others_as_settings(
    alice: Any, slack: FakeSlack
) -> None:
    credential = slack_credential(alice, slack)
    secret = runtime.resolve(alice.pk, credential.pk, ("slack", "slack_webhook"))
    assert secret.value == {"bot_token": BOT_TOKEN}
    assert secret.settings == {"base_url": slack.api_url}
    assert (secret.kind, secret.name) == ("slack", "Acme Slack")
    assert BOT_TOKEN not in repr(secret)


# --- Test connection ----------------------------------------------------------------------------


def test_test_connection_on_the_page_shows_slacks_answer_in_place(
    alice: Any, alice_client: Client, slack: FakeSlack
) -> None:
    credential = slack_credential(alice, slack)

    response = alice_client.post(PAGE, {"action": "test", "id": credential.pk}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<span class="ok" data-ok="true">✓ Connected to the Slack workspace')
    assert [r.path for r in slack.requests] == ["/api/auth.test"]
    event = SecurityEvent.objects.get(kind="credential_resolved")
    assert event.detail == {"credential": credential.pk, "purpose": "test connection", "ok": True}


def test_a_failed_test_shows_the_services_refusal(
    alice: Any, alice_client: Client, slack: FakeSlack
) -> None:
    credential = slack_credential(alice, slack, token="xoxb-revoked-1")

    html = alice_client.post(PAGE, {"action": "test", "id": credential.pk}, **HTMX).content.decode()

    assert 'data-ok="false"' in html
    assert "Slack did not accept the credential “Acme Slack” (invalid_auth)" in html
    assert "xoxb-revoked-1" not in html


def test_the_page_offers_test_connection_only_for_integration_credentials(
    alice: Any, alice_client: Client, slack: FakeSlack
) -> None:
    slack_credential(alice, slack)
    store.create(alice, "Token", "bearer", "tok-1234567")
    html = alice_client.get(PAGE).content.decode()
    assert html.count("data-test-connection") == 1


def test_without_htmx_the_test_answers_with_a_message(
    alice: Any, alice_client: Client, slack: FakeSlack
) -> None:
    credential = slack_credential(alice, slack)
    response = alice_client.post(PAGE, {"action": "test", "id": credential.pk}, follow=True)
    assert "Connected to the Slack workspace “Acme” as workfuse." in response.content.decode()


def test_the_api_test_answers_ok_and_the_services_message(
    alice: Any, alice_api: ApiClient, slack: FakeSlack
) -> None:
    good = slack_credential(alice, slack)
    bad = store.create(alice, "Old", "slack", {"bot_token": "xoxb-old", "base_url": slack.api_url})

    assert alice_api.post(f"{URL}/{good.pk}/test").json() == {
        "ok": True,
        "message": "Connected to the Slack workspace “Acme” as workfuse.",
    }
    refused = alice_api.post(f"{URL}/{bad.pk}/test")
    assert refused.status_code == 200
    assert refused.json()["ok"] is False
    assert "did not accept the credential “Old” (invalid_auth)" in refused.json()["message"]


def test_the_api_test_refuses_base_kinds_and_other_peoples_credentials(
    alice: Any, alice_api: ApiClient, charlie_api: ApiClient, slack: FakeSlack
) -> None:
    token = store.create(alice, "Token", "bearer", "tok-1234567")
    response = alice_api.post(f"{URL}/{token.pk}/test")
    assert response.status_code == 400 and response.json()["code"] == "not_testable"
    assert charlie_api.post(f"{URL}/{slack_credential(alice, slack).pk}/test").status_code == 404
    assert slack.requests == []


def test_a_secret_the_service_echoes_in_its_answer_is_scrubbed(
    alice: Any, alice_api: ApiClient, settings: Any
) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeDiscord()) as discord:
        credential = store.create(alice, "Hook", "discord", {"webhook_url": discord.webhook_url})
        discord.script(Answer(200, {"name": f"leak {WEBHOOK_TOKEN}", "channel_id": "1"}))
        body = alice_api.post(f"{URL}/{credential.pk}/test").json()
    assert body["ok"] is True
    assert WEBHOOK_TOKEN not in body["message"] and "[REDACTED]" in body["message"]
