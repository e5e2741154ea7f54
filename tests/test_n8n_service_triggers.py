"""n8n's Typeform, Shopify and WhatsApp triggers imported as a signed webhook trigger and an
output step (editor/n8n/service_triggers.py): the settings they become, the signed calls they
accept and the tampered ones they refuse, and the output step giving what n8n's node output."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from credentials import store
from editor.graph import ImportRefused
from editor.models import Workflow
from editor.n8n import convert, import_n8n
from editor.nodes.trigger_webhook import Config
from editor.validation import validate_graph
from executions.models import Execution, Step
from executions.signatures import sign

pytestmark = pytest.mark.django_db(transaction=True)

BASE = "n8n-nodes-base."
SECRET = "typeform-or-shop-secret"

# Abridged from Typeform's "Example webhook payload" (developer.typeform.com, Webhooks).
TYPEFORM_BODY: dict[str, Any] = {
    "event_id": "01GRC8GR2546B2E9Y6Q8FH1HRS",
    "event_type": "form_response",
    "form_response": {
        "form_id": "lT4Z3j",
        "token": "a3a12ec67a1365927098a606107fac15",
        "submitted_at": "2018-01-18T18:17:02Z",
        "definition": {
            "id": "lT4Z3j",
            "title": "Webhooks example",
            "fields": [
                {"id": "DlXFaesGBpoF", "title": "What's your name?", "type": "short_text"},
                {
                    "id": "SMEUb7VJz92Q",
                    "title": "Hi {{field:DlXFaesGBpoF}}, your email?",
                    "type": "email",
                },
                {"id": "JwWggjAKtOkA", "title": "Favourite colour", "type": "multiple_choice"},
                {"id": "k6TP9oLGgHjl", "title": "Which pets?", "type": "multiple_choice"},
                {"id": "NRsxU591jIW9", "title": "How many?", "type": "number"},
                {"id": "PNe8ZKBK8C2Q", "title": "Agree?", "type": "yes_no"},
                {"id": "Q7M2XAwY04dW", "title": "Your budget", "type": "payment"},
            ],
        },
        "answers": [
            {
                "type": "text",
                "text": "Laura",
                "field": {"id": "DlXFaesGBpoF", "type": "short_text"},
            },
            {
                "type": "email",
                "email": "laura@example.com",
                "field": {"id": "SMEUb7VJz92Q", "type": "email"},
            },
            {
                "type": "choice",
                "choice": {"label": "Blue"},
                "field": {"id": "JwWggjAKtOkA", "type": "multiple_choice"},
            },
            {
                "type": "choices",
                "choices": {"labels": ["Cats", "Dogs"]},
                "field": {"id": "k6TP9oLGgHjl", "type": "multiple_choice"},
            },
            {"type": "number", "number": 3, "field": {"id": "NRsxU591jIW9", "type": "number"}},
            {"type": "boolean", "boolean": True, "field": {"id": "PNe8ZKBK8C2Q", "type": "yes_no"}},
            {
                "type": "payment",
                "payment": {"amount": "4.50", "last4": "4242", "name": "Laura", "success": True},
                "field": {"id": "Q7M2XAwY04dW", "type": "payment"},
            },
        ],
    },
}
# What n8n's TypeformTrigger.webhook() outputs for it with simplifyAnswers and onlyAnswers on.
SIMPLIFIED = {
    "What's your name?": "Laura",
    "Hi [field:DlXFaesGBpoF], your email?": "laura@example.com",
    "Favourite colour": "Blue",
    "Which pets?": ["Cats", "Dogs"],
    "How many?": 3,
    "Agree?": True,
    "Your budget": {"amount": "4.50", "last4": "4242", "name": "Laura", "success": True},
}


def export(trigger_type: str, params: dict[str, Any], version: float = 1) -> dict[str, Any]:
    """The service trigger -> a No-op named Next, as n8n exports it."""
    return {
        "name": "Service",
        "nodes": [
            {
                "parameters": params,
                "name": "Service Trigger",
                "type": f"{BASE}{trigger_type}",
                "typeVersion": version,
                "position": [0, 0],
            },
            {
                "parameters": {},
                "name": "Next",
                "type": f"{BASE}noOp",
                "typeVersion": 1,
                "position": [300, 0],
            },
        ],
        "connections": {
            "Service Trigger": {"main": [[{"node": "Next", "type": "main", "index": 0}]]}
        },
    }


def imported(owner: Any, data: dict[str, Any], secret: str | None = SECRET) -> Workflow:
    """The export imported and activated; with `secret`, HMAC auth turned on as the note says."""
    graph = convert(data)
    assert validate_graph(graph) == []
    hook = next(n for n in graph["nodes"] if n["type"] == "trigger.webhook")
    if secret is not None:
        credential = store.create(owner, "service secret", "webhook_secret", secret)
        hook["config"] |= {"auth": "hmac", "credential": credential.pk}
    workflow = Workflow.create(owner, "imported", graph=graph)
    workflow.is_active = True
    workflow.save()
    return workflow


def post(workflow: Workflow, body: bytes, **headers: str) -> Any:
    return Client().post(
        f"/hooks/{workflow.webhook_token}",
        data=body,
        content_type="application/json",
        **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()},
    )


def output_of(response: Any, key: str = "service_trigger") -> Any:
    assert response.status_code == 202, response.content
    execution = Execution.objects.get(pk=response.json()["execution_id"])
    assert execution.status == "succeeded", execution.error
    return Step.objects.get(execution=execution, key=key).output["result"]


def base64_hmac(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


# --- Typeform --------------------------------------------------------------------------------


def test_typeform_becomes_a_webhook_with_typeforms_signature_and_an_output_step():
    graph = convert(export("typeformTrigger", {"formId": "lT4Z3j"}))
    hook, step = (n for n in graph["nodes"] if n["id"] != "next")
    assert (hook["id"], hook["label"]) == ("service_trigger_webhook", "Service Trigger (webhook)")
    assert hook["config"] == {
        "methods": ["POST"],
        "response": "immediate",
        "auth": "none",
        "hmac_preset": "custom",
        "header_name": "Typeform-Signature",
        "hmac_algorithm": "sha256",
        "signature_prefix": "sha256=",
        "signature_encoding": "base64",
    }
    assert "form lT4Z3j" in hook["notes"] and "set auth to hmac" in hook["notes"]
    assert (step["id"], step["type"], step["label"]) == (
        "service_trigger",
        "utility.transform",
        "Service Trigger",
    )
    assert {(e["source"], e["target"]) for e in graph["edges"]} == {
        ("service_trigger_webhook", "service_trigger"),
        ("service_trigger", "next"),
    }


def test_a_signed_typeform_call_runs_and_the_step_gives_n8ns_simplified_answers(alice):
    workflow = imported(alice, export("typeformTrigger", {"formId": "lT4Z3j"}))
    body = json.dumps(TYPEFORM_BODY).encode()
    signed = post(workflow, body, **{"Typeform-Signature": "sha256=" + base64_hmac(SECRET, body)})
    assert output_of(signed) == SIMPLIFIED


def test_a_tampered_or_unsigned_typeform_call_is_refused_and_starts_nothing(alice):
    workflow = imported(alice, export("typeformTrigger", {"formId": "lT4Z3j"}))
    body = json.dumps(TYPEFORM_BODY).encode()
    signature = "sha256=" + base64_hmac(SECRET, body)
    tampered = post(
        workflow, body.replace(b"Laura", b"Mallory"), **{"Typeform-Signature": signature}
    )
    assert tampered.status_code == 401
    assert tampered.json()["message"].startswith("Signature does not match")
    unsigned = post(workflow, body)
    assert unsigned.json()["message"] == "Missing Typeform-Signature header"
    hex_signed = post(
        workflow,
        body,
        **{"Typeform-Signature": "sha256=" + hmac.new(SECRET.encode(), body, "sha256").hexdigest()},
    )
    assert hex_signed.status_code == 401
    assert Execution.objects.count() == 0


def test_typeform_keeps_the_whole_body_with_simplified_answers_when_only_answers_is_off(alice):
    data = export("typeformTrigger", {"formId": "x", "onlyAnswers": False})
    workflow = imported(alice, data, secret=None)
    result = output_of(post(workflow, json.dumps(TYPEFORM_BODY).encode()))
    expected = copy.deepcopy(TYPEFORM_BODY)
    expected["form_response"]["answers"] = SIMPLIFIED
    assert result == expected


def test_typeform_without_simplifying_gives_the_answers_by_field_id_from_version_1_1(alice):
    data = export("typeformTrigger", {"formId": "x", "simplifyAnswers": False}, version=1.1)
    result = output_of(post(imported(alice, data, secret=None), json.dumps(TYPEFORM_BODY).encode()))
    answers = TYPEFORM_BODY["form_response"]["answers"]
    assert result == {a["field"]["id"]: a for a in answers}


def test_the_report_asks_for_the_webhook_secret_where_n8n_had_its_service_credential():
    data = export("shopifyTrigger", {"topic": "orders/create"})
    data["nodes"][0]["credentials"] = {"shopifyTokenApi": {"id": "1", "name": "My shop"}}
    [slot] = import_n8n(data).report.credentials
    assert (slot.node_id, slot.kind) == ("service_trigger_webhook", "webhook_secret")


def test_typeform_unsimplified_gives_the_answers_list_in_version_1_or_the_body(alice):
    body = json.dumps(TYPEFORM_BODY).encode()
    only = export("typeformTrigger", {"formId": "x", "simplifyAnswers": False})
    assert (
        output_of(post(imported(alice, only, secret=None), body))
        == (TYPEFORM_BODY["form_response"]["answers"])
    )
    params = {"formId": "x", "simplifyAnswers": False, "onlyAnswers": False}
    everything = imported(alice, export("typeformTrigger", params), secret=None)
    assert output_of(post(everything, body)) == TYPEFORM_BODY


def test_a_call_that_is_not_a_typeform_response_fails_the_step_naming_what_is_missing(alice):
    workflow = imported(alice, export("typeformTrigger", {"formId": "x"}), secret=None)
    response = post(workflow, b'{"event_type": "ping"}')
    execution = Execution.objects.get(pk=response.json()["execution_id"])
    assert execution.status == "failed"
    assert "form_response" in execution.error


def test_a_name_taken_by_another_node_gets_a_number():
    data = export("shopifyTrigger", {"topic": "orders/create"})
    data["nodes"][1]["name"] = "Service Trigger (webhook)"
    data["connections"] = {
        "Service Trigger": {
            "main": [[{"node": "Service Trigger (webhook)", "type": "main", "index": 0}]]
        }
    }
    graph = convert(data)
    labels = {n["label"]: n["type"] for n in graph["nodes"]}
    assert labels == {
        "Service Trigger (webhook) 2": "trigger.webhook",
        "Service Trigger": "utility.transform",
        "Service Trigger (webhook)": "utility.transform",
    }


def test_typeform_answers_read_by_title_downstream_read_the_output_step():
    data = export("typeformTrigger", {"formId": "x"})
    data["nodes"][1] = {
        "parameters": {"channel": "#leads", "text": '={{ $json["What\'s your name?"] }}'},
        "name": "Next",
        "type": f"{BASE}slack",
        "typeVersion": 1,
        "position": [300, 0],
    }
    graph = convert(data)
    [slack] = [n for n in graph["nodes"] if n["id"] == "next"]
    assert slack["config"]["text"] == '{{ nodes.service_trigger.result["What\'s your name?"] }}'


# --- Shopify ---------------------------------------------------------------------------------


def test_shopify_becomes_a_webhook_with_shopifys_signature_and_a_topic_note():
    graph = convert(export("shopifyTrigger", {"topic": "orders/create"}))
    [hook] = [n for n in graph["nodes"] if n["type"] == "trigger.webhook"]
    assert hook["config"]["header_name"] == "X-Shopify-Hmac-Sha256"
    assert hook["config"]["signature_prefix"] == ""
    assert hook["config"]["signature_encoding"] == "base64"
    assert "topic orders/create" in hook["notes"] and "shared secret" in hook["notes"]
    assert "n8n dropped deliveries of other topics" in hook["notes"]


def test_a_signed_shopify_delivery_outputs_its_body_and_a_tampered_one_is_refused(alice):
    workflow = imported(alice, export("shopifyTrigger", {"topic": "orders/create"}))
    order = {"id": 820982911946154508, "email": "jon@example.com", "total_price": "199.00"}
    body = json.dumps(order).encode()
    headers = {
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Hmac-Sha256": base64_hmac(SECRET, body),
    }
    assert output_of(post(workflow, body, **headers)) == order
    bad = post(workflow, body.replace(b"199.00", b"1.00"), **headers)
    assert bad.status_code == 401
    assert Execution.objects.count() == 1


def test_a_shopify_trigger_without_a_topic_is_refused_by_name():
    with pytest.raises(ImportRefused) as info:
        convert(export("shopifyTrigger", {}))
    message = info.value.issues[0].message
    assert "'Service Trigger (webhook)' (n8n-nodes-base.shopifyTrigger)" in message
    assert "names no topic" in message


# --- WhatsApp --------------------------------------------------------------------------------

APP_SECRET = "meta-app-secret"


def whatsapp_delivery(*changes: dict[str, Any]) -> dict[str, Any]:
    """A delivery as Meta posts it (WhatsApp Cloud API, "Webhooks payload examples")."""
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": list(changes)}],
    }


MESSAGE = {
    "field": "messages",
    "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234"}],
        "messages": [
            {
                "from": "16505551234",
                "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
                "timestamp": "1749416383",
                "type": "text",
                "text": {"body": "Does it come in another color?"},
            }
        ],
    },
}
STATUS = {
    "field": "messages",
    "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "statuses": [{"id": "wamid.X", "status": "delivered", "recipient_id": "16505551234"}],
    },
}


def meta_signed(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    return {
        "X-Hub-Signature-256": "sha256=" + hmac.new(secret.encode(), body, "sha256").hexdigest()
    }


def test_whatsapp_trigger_answers_metas_check_with_the_urls_token_and_starts_nothing(alice):
    workflow = imported(alice, export("whatsAppTrigger", {"updates": ["messages"]}), APP_SECRET)
    hook = f"/hooks/{workflow.webhook_token}"
    query = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}
    ok = Client().get(hook, {**query, "hub.verify_token": workflow.webhook_token})
    assert (ok.status_code, ok.content, ok["Content-Type"]) == (
        200,
        b"1158201444",
        "text/plain; charset=utf-8",
    )
    wrong = Client().get(hook, {**query, "hub.verify_token": "guess"})
    assert wrong.status_code == 403
    assert "hub.verify_token does not match" in wrong.json()["message"]
    assert Execution.objects.count() == 0


def test_a_signed_whatsapp_delivery_runs_once_per_change_as_n8ns_items(alice):
    workflow = imported(alice, export("whatsAppTrigger", {"updates": ["messages"]}), APP_SECRET)
    body = json.dumps(whatsapp_delivery(MESSAGE, STATUS)).encode()
    result = output_of(post(workflow, body, **meta_signed(body)))
    assert result == [
        {**MESSAGE["value"], "field": "messages"},
        {**STATUS["value"], "field": "messages"},
    ]
    assert post(workflow, body, **meta_signed(body, "another app")).status_code == 401


def test_whatsapp_status_updates_are_kept_as_n8ns_option_says(alice):
    params = {"updates": ["messages"], "options": {"messageStatusUpdates": ["read"]}}
    workflow = imported(alice, export("whatsAppTrigger", params), secret=None)
    body = json.dumps(whatsapp_delivery(MESSAGE, STATUS)).encode()
    assert output_of(post(workflow, body)) == [{**MESSAGE["value"], "field": "messages"}]
    other = json.dumps({"object": "page", "entry": []}).encode()
    assert output_of(post(workflow, other)) == []


def test_whatsapp_nodes_after_the_trigger_read_each_event_in_a_loop():
    data = export("whatsAppTrigger", {"updates": ["messages"]})
    data["nodes"][1] = {
        "parameters": {"channel": "#wa", "text": "={{ $json.messages[0].text.body }}"},
        "name": "Next",
        "type": f"{BASE}slack",
        "typeVersion": 1,
        "position": [300, 0],
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    [loop] = [n for n in graph["nodes"] if n["type"] == "logic.loop"]
    assert loop["config"]["items"] == "{{ nodes.service_trigger.result }}"
    [slack] = [n for n in graph["nodes"] if n["id"] == "next"]
    assert slack["config"]["text"] == "{{ item.messages[0].text.body }}"


# --- svcc ---
# Twilio ---------------------------------------------------------------------------------------

TWILIO_TOKEN = "twilio-auth-token"
SMS = {
    "MessageSid": "SM1f0e8ae6ade43cb3c0ce4525424e404f",
    "AccountSid": "AC0123456789abcdef0123456789abcdef",
    "From": "+15017122661",
    "To": "+15558675310",
    "Body": "Can I book for Friday?",
    "NumMedia": "0",
}
INBOUND = "com.twilio.messaging.inbound-message.received"


def twilio_post(
    workflow: Workflow, body: bytes, content_type: str, url: str = "", sent: bytes = b""
) -> Any:
    """`body` signed as Twilio signs it for `url` (by default the webhook's), and `sent` (by
    default `body`) posted."""
    path = f"/hooks/{workflow.webhook_token}"
    signed = sign(
        Config.model_validate({"auth": "hmac", "hmac_preset": "twilio", "credential": 1}),
        TWILIO_TOKEN,
        body,
        url=url or f"http://testserver{path}",
        form=content_type.startswith("application/x-www-form-urlencoded"),
    )
    return Client().post(
        path,
        data=sent or body,
        content_type=content_type,
        HTTP_X_TWILIO_SIGNATURE=signed["X-Twilio-Signature"],
    )


def test_twilio_trigger_becomes_a_webhook_with_twilios_signature_and_a_setup_note():
    graph = convert(export("twilioTrigger", {"updates": [INBOUND]}))
    [hook] = [n for n in graph["nodes"] if n["type"] == "trigger.webhook"]
    assert hook["config"] == {
        "methods": ["POST"],
        "response": "immediate",
        "auth": "none",
        "hmac_preset": "twilio",
    }
    assert "'A message comes in'" in hook["notes"] and "Auth Token" in hook["notes"]


def test_a_signed_twilio_sms_runs_once_with_n8ns_fields_and_a_tampered_one_is_refused(alice):
    workflow = imported(alice, export("twilioTrigger", {"updates": [INBOUND]}), TWILIO_TOKEN)
    body = urlencode(SMS).encode()
    form = "application/x-www-form-urlencoded"
    assert output_of(twilio_post(workflow, body, form)) == [SMS]
    tampered = twilio_post(workflow, body, form, sent=body.replace(b"Friday", b"Monday"))
    assert tampered.status_code == 401
    signed_elsewhere = twilio_post(workflow, body, form, url="https://elsewhere.example/hook")
    assert signed_elsewhere.status_code == 401
    assert "Auth Token" in signed_elsewhere.json()["message"]
    assert Execution.objects.count() == 1


def test_an_event_streams_delivery_gives_one_item_per_chosen_event(alice):
    workflow = imported(alice, export("twilioTrigger", {"updates": [INBOUND]}), secret=None)
    event = {"specversion": "1.0", "type": INBOUND, "id": "EZ1", "data": {"body": "hi"}}
    other = {**event, "type": "com.twilio.messaging.message.delivered", "id": "EZ2"}
    result = output_of(post(workflow, json.dumps([event, other]).encode()))
    assert result == [event]


def test_twilio_nodes_after_the_trigger_read_each_message_in_a_loop():
    data = export("twilioTrigger", {"updates": [INBOUND]})
    data["nodes"][1] = {
        "parameters": {"channel": "#sms", "text": "={{ $('Service Trigger').item.json.Body }}"},
        "name": "Next",
        "type": f"{BASE}slack",
        "typeVersion": 1,
        "position": [300, 0],
    }
    graph = convert(data)
    assert validate_graph(graph) == []
    [loop] = [n for n in graph["nodes"] if n["type"] == "logic.loop"]
    assert loop["config"]["items"] == "{{ nodes.service_trigger.result }}"


def test_a_twilio_trigger_on_an_unknown_update_is_refused_by_name():
    with pytest.raises(ImportRefused) as info:
        import_n8n(export("twilioTrigger", {"updates": ["com.twilio.other"]}))
    assert "'Service Trigger" in str(info.value) and "twilioTrigger" in str(info.value)
    assert "com.twilio.messaging.inbound-message.received" in str(info.value)


# --- end svcc ---
