"""Magic input (DESIGN §8, POST /api/ai/configure): a node's config from a sentence, through the
real OpenAI SDK against the fake provider server (tests/fake_ai_server.py); validation errors
are fed back for a retry; rate limit; feedback in the admin; the key never leaks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aiconfig.models import MagicFeedback
from editor import magic
from editor.nodes import NODE_TYPES
from executions.models import Execution
from tests.engine_helpers import make_workflow
from tests.fake_ai_server import Reply, fake_ai_server

KEY = "sk-magic-test-key-0123456789abcdef"
URL = "/api/ai/configure"

# A plausible config per node type: the Config's defaults plus the required fields.
PLAUSIBLE: dict[str, dict[str, Any]] = {
    "trigger.manual": {},
    "trigger.webhook": {},
    "trigger.schedule": {},
    "action.http": {"method": "GET", "url": "https://api.example.com/users"},
    "action.ai": {"prompt": "Summarise {{ trigger.body.text }}"},
    "action.code": {"code": "return 1"},
    "utility.transform": {"expression": "body.items"},
    "logic.condition": {
        "rules": [{"left": "{{ trigger.body.total }}", "operator": "gt", "right": 100}]
    },
    "logic.switch": {
        "cases": [
            {"rules": [{"left": "{{ trigger.body.kind }}", "right": "refund"}], "handle": "refund"}
        ]
    },
    "logic.loop": {"items": "{{ trigger.body.items }}"},
    "utility.delay": {"seconds": 5},
    "utility.merge": {},
    # --- data nodes, batch 2 part b ---
    "utility.dedupe": {"fields": ["email"], "scope": "workflow"},
    "utility.aggregate": {"operations": [{"field": "total", "op": "sum", "as": "revenue"}]},
    "utility.datetime": {"operation": "add", "amount": 2, "unit": "days"},
    "utility.crypto": {"operation": "hash", "value": "{{ trigger.body.email }}"},
    "utility.parse": {"format": "csv", "value": "{{ trigger.body.report }}"},
    # --- end data nodes part b ---
    # --- batch 2, data nodes (a) ---
    "utility.set": {"fields": [{"name": "total", "value": "{{ trigger.body.total }}"}]},
    "utility.filter": {"rules": [{"left": "{{ item.total }}", "operator": "gt", "right": 100}]},
    "utility.sort": {"by": [{"field": "total", "order": "desc"}]},
    "utility.limit": {"max": 10},
    # --- end of batch 2 (a) ---
    # --- respond ---
    "logic.respond": {"status": 201, "body": {"id": "{{ trigger.body.id }}"}},
    # --- end respond ---
    # --- subflows ---
    "trigger.workflow": {"inputs": [{"name": "email", "type": "string", "required": True}]},
    "action.workflow": {"workflow": 3, "inputs": {"email": "{{ trigger.body.email }}"}},
    # --- end subflows ---
    # --- errorflows ---
    "trigger.error": {},
    "logic.stop": {"message": "Order {{ trigger.body.id }} has no total", "code": "NO_TOTAL"},
    # --- end errorflows ---
    # --- wait ---
    "utility.wait": {"mode": "approval", "title": "Refund?", "timeout_seconds": 86400},
    # --- end wait ---
    # --- repeat ---
    "logic.repeat": {"until": {"rules": [{"left": "{{ last.body.status }}", "right": "done"}]}},
    # --- end repeat ---
    # --- devtools ---
    "trigger.poll": {"url": "https://api.example.com/orders", "items_path": "data.orders"},
    # --- end devtools ---
}


def plausible(node_type: str) -> dict[str, Any]:
    """PLAUSIBLE's config, or for a node type defined outside the editor (an integration's
    app node) its first worked example."""
    node = NODE_TYPES[node_type]
    return PLAUSIBLE[node_type] if node_type in PLAUSIBLE else node.examples[0][1]


def answer(config: Any, confidence: float = 0.9, reasoning: str = "Looks right.") -> Reply:
    return Reply(json={"config": config, "confidence": confidence, "reasoning": reasoning})


@pytest.fixture
def fake(settings: Any):
    with fake_ai_server() as server:
        settings.OPENAI_API_KEY = KEY
        settings.OPENAI_BASE_URL = server.openai_url
        settings.ANTHROPIC_API_KEY = ""
        settings.GEMINI_API_KEY = ""
        settings.WORKFUSE_AI_RATE = "100/h"
        yield server


def sent_text(request: Any) -> str:
    return "\n".join(str(m.get("content")) for m in request.body["messages"])


def test_invalid_answer_is_retried_with_the_validation_errors(fake, alice_api):
    fake.script(
        "openai",
        answer({"method": "FETCH", "url": "https://api.example.com/x"}, 0.8),
        answer({"method": "POST", "url": "https://api.example.com/x"}, 0.85),
    )
    response = alice_api.post(URL, {"node_type": "action.http", "prompt": "POST to x"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["valid"] is True and data["errors"] == []
    assert data["config"]["method"] == "POST"
    assert data["confidence"] == 0.85
    requests = fake.requests_for("openai")
    assert len(requests) == 2
    retry = sent_text(requests[1])
    assert "FETCH" in retry and "method" in retry and "failed validation" in retry
    # structured output: the wrapper schema with the node's schema inside
    schema = requests[0].body["response_format"]["json_schema"]["schema"]
    assert set(schema["required"]) == {"config", "confidence", "reasoning"}
    assert "url" in schema["properties"]["config"]["properties"]


def test_still_invalid_after_retries_answers_valid_false_with_the_last_config(fake, alice_api):
    fake.script("openai", *[answer({"method": "GET"}, 0.9) for _ in range(4)])
    data = alice_api.post(URL, {"node_type": "action.http", "prompt": "call it"}).json()
    assert data["valid"] is False
    assert data["config"] == {"method": "GET"}
    assert {"field": "url", "message": "Field required"} in data["errors"]
    assert data["confidence"] <= 0.3
    assert len(fake.requests_for("openai")) == 1 + magic.MAX_RETRIES


def test_answer_outside_the_wrapper_schema_is_fed_back_too(fake, alice_api):
    fake.script(
        "openai",
        Reply(json={"config": {"url": "https://a.example"}, "confidence": 7}),
        answer({"url": "https://a.example"}),
    )
    data = alice_api.post(URL, {"node_type": "action.http", "prompt": "GET a"}).json()
    assert data["valid"] is True
    assert len(fake.requests_for("openai")) == 2


@pytest.mark.parametrize("node_type", sorted(NODE_TYPES))
def test_every_node_type_answer_is_valid_or_says_why_not(fake, alice_api, node_type):
    assert set(PLAUSIBLE) == {t for t, n in NODE_TYPES.items() if not n.examples}
    fake.script("openai", answer(plausible(node_type)))
    response = alice_api.post(URL, {"node_type": node_type, "prompt": "something sensible"})
    assert response.status_code == 200, response.content
    data = response.json()
    if data["valid"]:
        NODE_TYPES[node_type].Config.model_validate(data["config"])
        assert data["errors"] == []
    else:
        assert data["errors"] and all(e["message"] for e in data["errors"])
    assert data["valid"], data["errors"]  # the plausible configs above are all valid
    system = fake.requests_for("openai")[0].body["messages"][0]["content"]
    assert node_type in system and "JSON Schema" in system


@pytest.mark.parametrize("node_type", sorted(magic.EXAMPLES))
def test_every_worked_example_is_a_valid_config(node_type):
    for _, config in magic.EXAMPLES[node_type]:
        NODE_TYPES[node_type].Config.model_validate(config)


def test_an_app_nodes_prompt_says_which_fields_each_operation_uses_and_shows_its_examples(
    fake, alice_api
):
    fake.script("openai", answer({"channel": "#ops", "text": "Deployed"}))
    data = alice_api.post(URL, {"node_type": "app.slack", "prompt": "Tell #ops we deployed"}).json()
    assert data["valid"] is True and data["config"] == {"channel": "#ops", "text": "Deployed"}
    system = fake.requests_for("openai")[0].body["messages"][0]["content"]
    assert (
        '- ts, default "", only for operation update_message or delete_message, required for '
        "update_message and delete_message" in system
    )
    assert "choose the operation first" in system
    assert "Share the CSV from the report node as report.csv" in system  # its own example


def test_a_field_an_operation_needs_is_fed_back_by_name(fake, alice_api):
    fake.script(
        "openai",
        answer({"operation": "update_message", "channel": "C1", "text": "Done"}),
        answer(
            {
                "operation": "update_message",
                "channel": "C1",
                "text": "Done",
                "ts": "{{ nodes.a.ts }}",
            }
        ),
    )
    data = alice_api.post(URL, {"node_type": "app.slack", "prompt": "Mark it done"}).json()
    assert data["valid"] is True and data["config"]["ts"] == "{{ nodes.a.ts }}"
    retry = fake.requests_for("openai")[1].body["messages"][-1]["content"]
    assert "- ts: Needed for the update_message operation." in retry


def test_http_example_post_with_the_webhook_email(fake, alice_api):
    config = {
        "method": "POST",
        "url": "https://api.example.com/orders",
        "headers": {"Content-Type": "application/json", "Accept": "application/json"},
        "body_type": "json",
        "body": {"order": "{{ trigger.body.order }}", "email": "{{ trigger.body.email }}"},
    }
    fake.script("openai", answer(config, 0.92, "POST with the webhook's email in the body."))
    prompt = (
        "POST the order to https://api.example.com/orders with the customer's email from the "
        "webhook"
    )
    data = alice_api.post(URL, {"node_type": "action.http", "prompt": prompt}).json()
    assert data["valid"] is True
    assert data["config"]["method"] == "POST"
    assert data["config"]["url"] == "https://api.example.com/orders"
    assert data["config"]["body"]["email"] == "{{ trigger.body.email }}"
    system = fake.requests_for("openai")[0].body["messages"][0]["content"]
    assert "{{ trigger.body.email }}" in system  # the worked example
    assert '"credential"' in system and "Never write a secret" in system
    assert prompt in sent_text(fake.requests_for("openai")[0])


def test_upstream_nodes_and_their_output_shapes_reach_the_prompt(fake, alice, alice_api):
    graph = {
        "nodes": [
            {"id": "webhook", "type": "trigger.webhook", "config": {}},
            {"id": "get_user", "type": "action.http", "config": {"url": "https://a.example"}},
            {"id": "notify", "type": "action.http", "config": {"url": "https://b.example"}},
        ],
        "edges": [
            {"source": "webhook", "target": "get_user"},
            {"source": "get_user", "target": "notify"},
        ],
    }
    workflow = make_workflow(alice, graph)
    execution = Execution.objects.create(
        workflow=workflow,
        version=workflow.versions.order_by("-number").first(),
        trigger_data={"body": {"email": "secret-value@example.com"}},
    )
    execution.steps.create(
        node_id="get_user", key="get_user", output={"status": 200, "body": {"email": "x@y.z"}}
    )
    fake.script("openai", answer({"url": "https://b.example/{{ nodes.get_user.body.email }}"}))
    response = alice_api.post(
        URL,
        {
            "node_type": "action.http",
            "prompt": "notify the user",
            "workflow": workflow.pk,
            "node_id": "notify",
        },
    )
    assert response.json()["valid"] is True
    system = fake.requests_for("openai")[0].body["messages"][0]["content"]
    assert "nodes.get_user" in system and '"email": "string"' in system
    assert "secret-value@example.com" not in system and "x@y.z" not in system  # shapes only


def test_errors_unknown_type_foreign_workflow_missing_key_and_provider_failure(
    fake, settings, alice_api, charlie
):
    response = alice_api.post(URL, {"node_type": "action.nope", "prompt": "x"})
    assert response.status_code == 400 and response.json()["code"] == "unknown_node_type"
    theirs = make_workflow(charlie, {"nodes": [{"id": "t", "type": "trigger.manual"}], "edges": []})
    response = alice_api.post(
        URL, {"node_type": "action.http", "prompt": "x", "workflow": theirs.pk}
    )
    assert response.status_code == 404
    fake.script("openai", Reply(status=503))
    response = alice_api.post(URL, {"node_type": "action.http", "prompt": "x"})
    assert response.status_code == 503 and response.json()["code"] == "ai_unavailable"
    fake.valid_keys = {"sk-some-other-key-0000000000"}
    response = alice_api.post(URL, {"node_type": "action.http", "prompt": "x"})
    assert response.status_code == 502
    assert "OPENAI_API_KEY" in response.json()["message"] and KEY not in response.content.decode()
    settings.OPENAI_API_KEY = ""
    response = alice_api.post(URL, {"node_type": "action.http", "prompt": "x"})
    assert response.status_code == 400 and response.json()["code"] == "ai_not_configured"
    assert "OPENAI_API_KEY" in response.json()["message"]


def test_owner_ai_provider_credential_is_used_without_a_server_key(
    fake, settings, alice, alice_api
):
    from credentials import store

    settings.OPENAI_API_KEY = ""
    store.create(alice, "My OpenAI", "ai_provider", "sk-alices-own-key-123456789")
    fake.script("openai", answer({"url": "https://a.example"}))
    assert alice_api.post(URL, {"node_type": "action.http", "prompt": "x"}).json()["valid"]
    headers = fake.requests_for("openai")[0].headers
    assert headers["authorization"] == "Bearer sk-alices-own-key-123456789"


def test_rate_limit_answers_429_with_retry_after(fake, settings, alice_api):
    settings.WORKFUSE_AI_RATE = "2/h"
    fake.script(
        "openai", answer({"url": "https://a.example"}), answer({"url": "https://a.example"})
    )
    for _ in range(2):
        assert alice_api.post(URL, {"node_type": "action.http", "prompt": "x"}).status_code == 200
    response = alice_api.post(URL, {"node_type": "action.http", "prompt": "x"})
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1
    assert len(fake.requests_for("openai")) == 2


def test_session_auth_works_and_anonymous_is_refused(fake, alice_client, client):
    fake.script("openai", answer({"url": "https://a.example"}))
    response = alice_client.post(
        URL,
        json.dumps({"node_type": "action.http", "prompt": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    response = client.post(
        URL,
        json.dumps({"node_type": "action.http", "prompt": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 401


def test_the_key_never_appears_in_the_answer_or_the_prompt_text(fake, alice_api):
    fake.script("openai", answer({"url": "https://a.example", "headers": {"X-Key": KEY}}, 0.9, KEY))
    response = alice_api.post(URL, {"node_type": "action.http", "prompt": "call a.example"})
    assert response.status_code == 200
    assert KEY not in response.content.decode()
    for request in fake.requests_for("openai"):
        assert KEY not in sent_text(request)
    response = alice_api.post(URL, {"node_type": "action.http", "prompt": f"use key {KEY}"})
    assert response.status_code == 400 and KEY not in response.content.decode()
    assert len(fake.requests_for("openai")) == 1  # the prompt holding the key was not sent


@pytest.mark.parametrize("node_type", sorted(NODE_TYPES))
def test_every_node_type_rejects_an_unknown_setting_after_retries(fake, alice_api, node_type):
    broken = {**plausible(node_type), "bogus_setting": 1}
    fake.script("openai", *[answer(broken) for _ in range(1 + magic.MAX_RETRIES)])
    data = alice_api.post(URL, {"node_type": node_type, "prompt": "x"}).json()
    assert data["valid"] is False and data["config"] == broken
    assert {"field": "bogus_setting", "message": "Unknown setting 'bogus_setting'."} in data[
        "errors"
    ]


def test_feedback_is_stored_and_shown_in_the_admin(alice, alice_api, admin_client):
    response = alice_api.post(
        "/api/ai/feedback",
        {
            "node_type": "action.http",
            "prompt": "POST the order",
            "config": {"method": "POST", "url": "https://api.example.com/orders"},
            "rating": "down",
            "comment": "forgot the body",
        },
    )
    assert response.status_code == 201, response.content
    item = MagicFeedback.objects.get()
    assert (item.owner, item.rating, item.comment) == (alice, "down", "forgot the body")
    assert item.config["method"] == "POST"
    bad = alice_api.post(
        "/api/ai/feedback", {"node_type": "action.http", "prompt": "x", "rating": "meh"}
    )
    assert bad.status_code == 400
    page = admin_client.get("/admin/aiconfig/magicfeedback/?rating__exact=down&q=order")
    assert page.status_code == 200 and "POST the order" in page.content.decode()
    assert admin_client.get(f"/admin/aiconfig/magicfeedback/{item.pk}/change/").status_code == 200


def test_shape_keeps_keys_and_types_only():
    assert magic.shape({"a": [{"b": 1}], "c": None, "d": "x", "e": True}) == {
        "a": [{"b": "number"}],
        "c": "null",
        "d": "string",
        "e": "boolean",
    }
