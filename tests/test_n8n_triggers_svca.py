"""n8n's Linear and ConvertKit triggers (editor/n8n/service_triggers.py) as a webhook trigger
and an output step: Linear's Linear-Signature checked, ConvertKit's unsigned call, the body
as n8n's node outputs it, and the refusals naming the node."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from editor.graph import ImportRefused
from editor.n8n import convert
from tests.test_n8n_service_triggers import SECRET, export, imported, output_of, post

pytestmark = pytest.mark.django_db(transaction=True)

LINEAR = {"teamId": "7a330c36", "resources": ["issue", "comment"], "authentication": "oAuth2"}
ISSUE_EVENT = {
    "action": "create",
    "type": "Issue",
    "data": {"id": "2174add1", "title": "Crash on save", "teamId": "7a330c36"},
    "url": "https://linear.app/acme/issue/ENG-1",
    "webhookTimestamp": 1676056940508,
}


def test_linear_trigger_becomes_a_webhook_checking_linears_signature_with_a_setup_note():
    graph = convert(export("linearTrigger", LINEAR))
    [hook] = [n for n in graph["nodes"] if n["type"] == "trigger.webhook"]
    assert hook["config"]["header_name"] == "Linear-Signature"
    assert hook["config"]["signature_encoding"] == "hex"
    assert hook["config"]["signature_prefix"] == ""
    assert "team 7a330c36 and the data change events Issue, Comment" in hook["notes"]
    assert "signing secret" in hook["notes"]


def test_a_signed_linear_event_outputs_its_body_and_a_tampered_one_is_refused(alice):
    workflow = imported(alice, export("linearTrigger", LINEAR))
    body = json.dumps(ISSUE_EVENT).encode()
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert output_of(post(workflow, body, **{"Linear-Signature": signature})) == ISSUE_EVENT
    tampered = post(workflow, body.replace(b"Crash", b"Fine"), **{"Linear-Signature": signature})
    assert tampered.status_code == 401


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"teamId": "t", "resources": []}, "listens to no resources"),
        ({"teamId": "t", "resources": ["attachment"]}, "listens to ['attachment']"),
        ({"resources": ["issue"]}, "names no team"),
    ],
)
def test_a_linear_trigger_n8n_could_not_subscribe_is_refused_by_name(params, said):
    with pytest.raises(ImportRefused) as info:
        convert(export("linearTrigger", params))
    message = info.value.issues[0].message
    assert "(n8n-nodes-base.linearTrigger)" in message and said in message


def test_convertkit_form_subscribe_becomes_an_unsigned_webhook_naming_the_hook_to_add(alice):
    data = export("convertKitTrigger", {"event": "formSubscribe", "formId": 6242124})
    graph = convert(data)
    [hook] = [n for n in graph["nodes"] if n["type"] == "trigger.webhook"]
    assert hook["config"] == {"methods": ["POST"], "response": "immediate", "auth": "none"}
    assert '{"name": "subscriber.form_subscribe", form_id: 6242124}' in hook["notes"]
    workflow = imported(alice, data, secret=None)
    subscriber = {"subscriber": {"id": 1, "email_address": "ada@acme.test", "state": "active"}}
    assert output_of(post(workflow, json.dumps(subscriber).encode())) == subscriber


def test_a_convertkit_trigger_without_its_form_is_refused_by_name():
    with pytest.raises(ImportRefused) as info:
        convert(export("convertKitTrigger", {"event": "formSubscribe"}))
    message = info.value.issues[0].message
    assert "(n8n-nodes-base.convertKitTrigger)" in message and "names no formId" in message
