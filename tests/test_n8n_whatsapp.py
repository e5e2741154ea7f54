"""Importing n8n's WhatsApp Business Cloud node onto `app.whatsapp` (editor/n8n/apps_whatsapp.py):
the config of each supported message kind, template components as n8n sends them, refusals
naming what is not supported, and an imported chatbot answering a signed delivery through the
fake Cloud API."""

from __future__ import annotations

import hmac
import json
from typing import Any

import pytest
from django.test import Client

from credentials import store
from editor.graph import ImportRefused
from editor.models import Workflow
from editor.n8n import convert
from editor.validation import validate_graph
from executions.models import Execution
from tests.fakes import running
from tests.fakes.whatsapp import PHONE_NUMBER_ID, TOKEN, WABA_ID, FakeWhatsApp

BASE = "n8n-nodes-base."


def export(params: dict[str, Any], trigger: str = "manualTrigger") -> dict[str, Any]:
    trigger_params = {"updates": ["messages"]} if trigger == "whatsAppTrigger" else {}
    return {
        "name": "WhatsApp",
        "nodes": [
            {
                "parameters": trigger_params,
                "name": "Start",
                "type": f"{BASE}{trigger}",
                "typeVersion": 1,
                "position": [0, 0],
            },
            {
                "parameters": params,
                "name": "Reply",
                "type": f"{BASE}whatsApp",
                "typeVersion": 1,
                "position": [300, 0],
            },
        ],
        "connections": {"Start": {"main": [[{"node": "Reply", "type": "main", "index": 0}]]}},
    }


def reply_config(params: dict[str, Any]) -> dict[str, Any]:
    graph = convert(export(params))
    assert validate_graph(graph) == []
    node = next(n for n in graph["nodes"] if n["id"] == "reply")
    assert node["type"] == "app.whatsapp"
    assert "choose a WhatsApp Cloud API credential" in node["notes"]
    return node["config"]


def refusal(params: dict[str, Any]) -> str:
    with pytest.raises(ImportRefused) as info:
        convert(export(params))
    return info.value.issues[0].message


def test_a_text_message_keeps_its_sender_recipient_text_and_preview():
    config = reply_config(
        {
            "operation": "send",
            "phoneNumberId": "477115632141067",
            "recipientPhoneNumber": "={{ $json.phone }}",
            "textBody": "=Hi {{ $json.name }}",
            "additionalFields": {"previewUrl": True},
        }
    )
    assert config == {
        "phone_number_id": "477115632141067",
        "to": "{{ trigger.phone }}",
        "operation": "send_text",
        "text": "Hi {{ trigger.name | n8n_text }}",
        "preview_url": True,
    }


def test_media_by_link_or_id_keeps_caption_and_a_documents_filename():
    by_link = reply_config(
        {
            "operation": "send",
            "messageType": "document",
            "phoneNumberId": "1",
            "recipientPhoneNumber": "49170",
            "mediaLink": "https://files.example.com/a.pdf",
            "additionalFields": {"mediaCaption": "Invoice", "mediaFilename": "a.pdf"},
        }
    )
    assert by_link | {"phone_number_id": "", "to": ""} == {
        "phone_number_id": "",
        "to": "",
        "operation": "send_media",
        "media_type": "document",
        "media": "https://files.example.com/a.pdf",
        "caption": "Invoice",
        "filename": "a.pdf",
    }
    by_id = reply_config(
        {
            "operation": "send",
            "messageType": "image",
            "mediaPath": "useMediaId",
            "mediaId": "123",
            "phoneNumberId": "1",
            "recipientPhoneNumber": "49170",
        }
    )
    assert (by_id["media"], by_id["media_type"], "filename" in by_id) == ("123", "image", False)


def test_the_default_operation_is_a_template_with_n8ns_components():
    config = reply_config(
        {
            "template": "offer_for_manual|de",
            "phoneNumberId": "114317595015150",
            "recipientPhoneNumber": "={{ $json.messages[0].from }}",
            "components": {
                "component": [
                    {
                        "bodyParameters": {
                            "parameter": [{"text": "={{ $json.name }}"}, {"text": "B"}]
                        }
                    },
                    {
                        "type": "button",
                        "sub_type": "url",
                        "buttonParameters": {
                            "parameter": {"text": "={{ $json.link }}", "type": "text"}
                        },
                    },
                    {
                        "type": "header",
                        "headerParameters": {
                            "parameter": [{"type": "image", "imageLink": "https://x.example/a.png"}]
                        },
                    },
                ]
            },
        }
    )
    assert config["operation"] == "send_template"
    assert (config["template_name"], config["template_language"]) == ("offer_for_manual", "de")
    assert config["components"] == [
        {
            "type": "body",
            "parameters": [
                {"type": "text", "text": "{{ trigger.name }}"},
                {"type": "text", "text": "B"},
            ],
        },
        {
            "type": "button",
            "sub_type": "url",
            "index": "0",
            "parameters": [{"type": "text", "text": "{{ trigger.link }}"}],
        },
        {
            "type": "header",
            "parameters": [{"type": "image", "image": {"link": "https://x.example/a.png"}}],
        },
    ]


def test_a_media_url_lookup_becomes_get_media_url():
    config = reply_config(
        {"resource": "media", "operation": "mediaUrlGet", "mediaGetId": "={{ $json.audio.id }}"}
    )
    assert config == {"operation": "get_media_url", "media": "{{ trigger.audio.id }}"}


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"operation": "send", "messageType": "location"}, "sends a 'location' message"),
        (
            {"operation": "send", "messageType": "image", "mediaPath": "useMedian8n"},
            "uploads the media from the item's binary data",
        ),
        ({"operation": "sendAndWait"}, "does 'message / sendAndWait'"),
        ({"resource": "media", "operation": "mediaUpload"}, "does 'media / mediaUpload'"),
        ({"content": "hello", "options": {"waTemplate": {"name": "x"}}}, "names no template"),
    ],
)
def test_what_app_whatsapp_cannot_do_is_refused_by_name(params, says):
    message = refusal(params)
    assert "n8n node 'Reply' (n8n-nodes-base.whatsApp)" in message
    assert says in message


@pytest.mark.django_db(transaction=True)
def test_an_imported_chatbot_answers_a_signed_delivery_through_the_fake_cloud_api(alice, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    data = export(
        {
            "operation": "send",
            "phoneNumberId": PHONE_NUMBER_ID,
            "recipientPhoneNumber": "={{ $('Start').item.json.messages[0].from }}",
            "textBody": "=You said: {{ $json.messages[0].text.body }}",
        },
        trigger="whatsAppTrigger",
    )
    graph = convert(data)
    with running(FakeWhatsApp()) as fake:
        value = {"access_token": TOKEN, "business_account_id": WABA_ID, "base_url": fake.url}
        account = store.create(alice, "wa", "whatsapp", value)
        secret = store.create(alice, "meta app secret", "webhook_secret", "app-secret")
        for node in graph["nodes"]:
            if node["type"] == "app.whatsapp":
                node["config"]["credential"] = account.pk
            if node["type"] == "trigger.webhook":
                node["config"] |= {"auth": "hmac", "credential": secret.pk}
        workflow = Workflow.create(alice, "bot", graph=graph)
        workflow.is_active = True
        workflow.save()
        change = {
            "field": "messages",
            "value": {
                "messaging_product": "whatsapp",
                "metadata": {"phone_number_id": PHONE_NUMBER_ID},
                "messages": [{"from": "16505551234", "type": "text", "text": {"body": "hello"}}],
            },
        }
        body = json.dumps(
            {"object": "whatsapp_business_account", "entry": [{"changes": [change]}]}
        ).encode()
        signature = "sha256=" + hmac.new(b"app-secret", body, "sha256").hexdigest()
        response = Client().post(
            f"/hooks/{workflow.webhook_token}",
            data=body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=signature,
        )
        assert response.status_code == 202
        execution = Execution.objects.get(pk=response.json()["execution_id"])
        assert execution.status == "succeeded", execution.error
        assert fake.sent == [
            {
                "messaging_product": "whatsapp",
                "to": "16505551234",
                "type": "text",
                "text": {"body": "You said: hello", "preview_url": False},
            }
        ]
