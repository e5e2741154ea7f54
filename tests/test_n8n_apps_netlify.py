"""n8n's Netlify Trigger imported as a webhook trigger checking Netlify's JWS signature
(executions/signatures.py, preset netlify) and an output step (editor/n8n/service_triggers.py):
the setup note, the signature accepted, tampered and forged calls refused, the simplified form
submission feeding the corpus's Set node, and the refusals."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest

from editor.n8n import convert
from executions.models import Execution
from executions.signatures import SignatureRejected, sign, verify
from tests.test_n8n_service_triggers import export, imported, output_of, post
from tests.test_webhook_signatures import hmac_config

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "netlify-jws-secret-token"
SITE = "b585059c-a19a-487c-831f-c57af6f13bd1"
CORPUS = {"event": "submissionCreated", "formId": "615ad58f9f491e00070abac5", "siteId": SITE}
SUBMISSION = {
    "number": 3,
    "title": None,
    "email": "ada@example.com",
    "name": "Ada Lovelace",
    "form_id": "615ad58f9f491e00070abac5",
    "form_name": "signup",
    "data": {"name": "Ada", "email": "ada@example.com", "role": ["engineer"], "ip": "1.2.3.4"},
    "created_at": "2024-05-01T09:00:00.000Z",
}


def jwt(secret: str, claims: dict[str, Any], alg: str = "HS256") -> str:
    """A JWT as Netlify builds one (RFC 7519, compact serialization)."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signed = f"{part(json.dumps({'alg': alg, 'typ': 'JWT'}).encode())}.{part(json.dumps(claims).encode())}"
    mac = hmac.new(secret.encode(), signed.encode(), hashlib.sha256).digest()
    return f"{signed}.{part(mac)}"


def netlify_headers(body: bytes, secret: str = TOKEN, **claims: Any) -> dict[str, str]:
    sha = hashlib.sha256(body).hexdigest()
    return {"X-Webhook-Signature": jwt(secret, {"iss": "netlify", "sha256": sha} | claims)}


def rejected(headers: dict[str, str], body: bytes) -> str:
    with pytest.raises(SignatureRejected) as caught:
        verify(hmac_config("netlify"), TOKEN, headers, body)
    return caught.value.reason


def test_a_jwt_netlify_would_send_is_accepted_and_reproduced():
    body = json.dumps(SUBMISSION).encode()
    verify(hmac_config("netlify"), TOKEN, netlify_headers(body), body)
    verify(hmac_config("netlify"), TOKEN, sign(hmac_config("netlify"), TOKEN, body), body)


def test_forged_tampered_and_foreign_jwts_are_refused_with_a_reason():
    body = json.dumps(SUBMISSION).encode()
    assert rejected({}, body) == "Missing X-Webhook-Signature header"
    assert "keyed with the JWS secret token" in rejected(netlify_headers(body, "other"), body)
    assert rejected(netlify_headers(body), body + b" ") == (
        "The JWT's sha256 claim is not the SHA-256 of the raw body"
    )
    assert rejected(netlify_headers(body, iss="someone"), body) == (
        "X-Webhook-Signature was not issued by netlify"
    )
    assert "must be a JWT" in rejected({"X-Webhook-Signature": "abc"}, body)


def test_the_trigger_becomes_a_webhook_with_netlify_s_signature_and_a_setup_note():
    graph = convert(export("netlifyTrigger", CORPUS))
    [hook] = [n for n in graph["nodes"] if n["type"] == "trigger.webhook"]
    assert hook["config"] == {
        "methods": ["POST"],
        "response": "immediate",
        "auth": "none",
        "hmac_preset": "netlify",
    }
    assert "event submission_created, form 615ad58f9f491e00070abac5" in hook["notes"]
    assert f"site {SITE}" in hook["notes"] and "JWS secret token" in hook["notes"]


def test_a_signed_submission_runs_with_its_fields_and_a_tampered_one_is_refused(alice):
    workflow = imported(alice, export("netlifyTrigger", CORPUS), TOKEN)
    body = json.dumps(SUBMISSION).encode()
    assert output_of(post(workflow, body, **netlify_headers(body))) == SUBMISSION["data"]
    tampered = post(workflow, body.replace(b"Ada", b"Eve"), **netlify_headers(body))
    assert tampered.status_code == 401
    assert Execution.objects.count() == 1


def test_a_deploy_event_outputs_the_whole_body(alice):
    workflow = imported(alice, export("netlifyTrigger", {"event": "deployFailed", "siteId": SITE}))
    deploy = {"id": "d1", "site_id": SITE, "state": "error", "error_message": "Build failed"}
    body = json.dumps(deploy).encode()
    assert (
        output_of(post(workflow, body, **netlify_headers(body, "typeform-or-shop-secret")))
        == deploy
    )


def test_the_corpus_s_set_reads_the_simplified_submission(alice):
    data = export("netlifyTrigger", CORPUS)
    data["nodes"][1] = {
        "name": "Next",
        "type": "n8n-nodes-base.set",
        "typeVersion": 1,
        "position": [300, 0],
        "parameters": {
            "values": {
                "string": [
                    {"name": "Name", "value": '={{$json["name"]}}'},
                    {"name": "Role", "value": '={{$json["role"][0]}}'},
                ]
            },
            "options": {},
            "keepOnlySet": True,
        },
    }
    workflow = imported(alice, data, TOKEN)
    body = json.dumps(SUBMISSION).encode()
    response = post(workflow, body, **netlify_headers(body))
    assert response.status_code == 202, response.content
    execution = Execution.objects.get(pk=response.json()["execution_id"])
    assert execution.status == "succeeded", execution.error
    output = execution.steps.get(key="next").output
    assert output is not None and output["result"] == {"Name": "Ada", "Role": "engineer"}


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"event": "deployLocked", "siteId": SITE}, "listens to the event 'deployLocked'"),
        ({"event": "deployFailed"}, "names no fixed Site ID"),
    ],
)
def test_what_the_netlify_trigger_lacks_is_refused_by_name(params, said):
    from editor.graph import ImportRefused

    with pytest.raises(ImportRefused) as refused:
        convert(export("netlifyTrigger", params))
    [issue] = refused.value.issues
    assert "(n8n-nodes-base.netlifyTrigger)" in issue.message and said in issue.message
