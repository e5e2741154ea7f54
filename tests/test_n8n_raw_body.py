"""n8n's Webhook with Raw Body: the body as sent is the item's file `data`
(Webhook.node.ts: `binary.data` of `req.rawBody`, typed by the request's Content-Type), as
'Signed Webhook HMAC Guard' reads it to check the caller's signature. Imported and called
through WorkFuse's webhook URL: the trigger's `raw_body` keeps the bytes, Crypto signs them."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
from django.test import Client

from credentials import store
from editor.models import Workflow
from editor.n8n import convert
from editor.validation import validate_graph
from tests.engine_helpers import steps_by_key
from tests.test_n8n_files import chain, node_of
from tests.test_n8n_flow import n8n_node
from tests.test_n8n_passed_files import activated, hook
from workfuse.lib import files

SECRET = "shared-signing-key"
# Spacing and key order a parser would not keep: the signature is over these exact bytes.
BODY = b'{"event_id": "e-1",   "amount":10}'


def compute() -> dict[str, Any]:
    params = {
        "action": "hmac",
        "binaryData": True,
        "binaryPropertyName": "data",
        "type": "SHA256",
        "dataPropertyName": "expected_signature",
        "encoding": "hex",
        "secret": SECRET,
    }
    return n8n_node("Compute Body HMAC", "crypto", params, 2)


def test_the_raw_body_is_the_webhook_s_file_data() -> None:
    graph = convert(chain(hook(rawBody=True), compute()))
    assert validate_graph(graph) == []
    webhook = node_of(graph, "Webhook")
    assert webhook["config"]["raw_body"] is True
    assert "Raw Body" in webhook["notes"]
    assert node_of(graph, "Compute Body HMAC")["config"]["file"] == '{{ trigger.files["data"] }}'


def signing(alice: Any, alice_api: Any) -> Workflow:
    """The imported workflow, active, with the key n8n kept in the node as a credential."""
    workflow = activated(alice_api, chain(hook(rawBody=True), compute()))
    key = store.create(alice, "Signing key", "webhook_secret", SECRET)
    graph = workflow.graph
    node_of(graph, "Compute Body HMAC")["config"]["credential"] = key.pk
    workflow.save_graph(graph, user=alice)
    workflow.refresh_from_db()
    return workflow


@pytest.mark.django_db(transaction=True)
def test_the_signature_is_computed_over_the_body_as_sent(alice: Any, alice_api: Any) -> None:
    workflow = signing(alice, alice_api)
    answer = Client().post(
        f"/hooks/{workflow.webhook_token}", BODY, content_type="application/json"
    )
    assert answer.status_code == 202, answer.content
    steps = steps_by_key(workflow.executions.get())
    kept = steps["webhook"].output["files"]["data"]
    assert files.read(kept).data == BODY and kept["content_type"] == "application/json"
    assert steps["webhook"].output["body"] == {"event_id": "e-1", "amount": 10}  # parsed too
    expected = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    assert steps["compute_body_hmac"].status == "succeeded", steps["compute_body_hmac"].error
    assert steps["compute_body_hmac"].output["expected_signature"] == expected


@pytest.mark.django_db(transaction=True)
def test_a_multipart_call_keeps_its_files_by_field_as_n8n(alice: Any, alice_api: Any) -> None:
    workflow = signing(alice, alice_api)
    Client().post(f"/hooks/{workflow.webhook_token}", {"title": "no body file"})
    steps = steps_by_key(workflow.executions.get())
    assert "files" not in steps["webhook"].output  # n8n handled the form data, not the body
    assert steps["compute_body_hmac"].status == "failed"
