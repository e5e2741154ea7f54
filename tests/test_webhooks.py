"""/hooks/<token>: every rule of the webhook trigger, as a sender sees it."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import SecurityEvent
from credentials import store
from editor.models import Workflow
from executions import engine
from executions.models import Execution, Step

pytestmark = pytest.mark.django_db(transaction=True)


def webhook_workflow(owner, config=None, then=None, active=True) -> Workflow:
    nodes = [{"id": "hook", "type": "trigger.webhook", "config": config or {}}]
    edges = []
    for node in then or []:
        edges.append({"source": nodes[-1]["id"], "target": node["id"]})
        nodes.append(node)
    workflow = Workflow.create(owner, "hook", graph={"nodes": nodes, "edges": edges})
    workflow.is_active = active
    workflow.save()
    return workflow


def url(workflow: Workflow) -> str:
    return f"/hooks/{workflow.webhook_token}"


def refusals() -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(kind="webhook_refused"))


def test_json_post_starts_an_execution_with_method_headers_query_and_body(alice):
    workflow = webhook_workflow(alice)
    response = Client().post(
        url(workflow) + "?source=shop&tag=a&tag=b",
        data=json.dumps({"order": 7}),
        content_type="application/json",
        HTTP_X_SHOP="demo",
    )
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"execution_id", "status", "status_url"}
    assert body["status_url"] == f"http://testserver/api/executions/{body['execution_id']}"
    execution = Execution.objects.get(pk=body["execution_id"])
    trigger = execution.trigger_data
    assert trigger["method"] == "POST"
    assert trigger["body"] == {"order": 7}
    assert trigger["query"] == {"source": "shop", "tag": ["a", "b"]}
    assert trigger["headers"]["X-Shop"] == "demo"
    assert execution.trigger_kind == "webhook"
    assert Step.objects.get(execution=execution, key="hook").output == trigger


def test_form_and_raw_bodies(alice):
    workflow = webhook_workflow(alice, {"methods": ["POST", "PUT"]})
    form = Client().post(url(workflow), {"name": "Ada", "tags": ["x", "y"]})
    assert Execution.objects.get(pk=form.json()["execution_id"]).trigger_data["body"] == {
        "name": "Ada",
        "tags": ["x", "y"],
    }
    raw = Client().put(url(workflow), data="plain text", content_type="text/plain")
    assert Execution.objects.get(pk=raw.json()["execution_id"]).trigger_data["body"] == "plain text"


def test_unknown_token_and_inactive_workflow_answer_the_same_404(alice):
    inactive = webhook_workflow(alice, active=False)
    unknown = Client().post("/hooks/nope")
    hidden = Client().post(url(inactive))
    assert unknown.status_code == hidden.status_code == 404
    assert unknown.json() == hidden.json()
    assert not Execution.objects.exists()
    assert len(refusals()) == 2


def test_methods_not_allowed_are_refused_with_allow(alice):
    workflow = webhook_workflow(alice, {"methods": ["POST"]})
    response = Client().get(url(workflow))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert not Execution.objects.exists()


def test_body_over_the_limit_is_refused_with_413(alice, settings):
    settings.WORKFUSE_WEBHOOK_MAX_BYTES = 100
    workflow = webhook_workflow(alice)
    response = Client().post(url(workflow), data="x" * 101, content_type="text/plain")
    assert response.status_code == 413
    assert not Execution.objects.exists()
    assert refusals()[0].detail["status"] == 413


def test_rate_limit_per_workflow_answers_429_with_retry_after(alice, settings):
    settings.WORKFUSE_WEBHOOK_RATE = "3/h"  # a long window: the test never straddles its edge
    workflow, other = webhook_workflow(alice), webhook_workflow(alice)
    answers = [Client().post(url(workflow)).status_code for _ in range(4)]
    assert answers == [202, 202, 202, 429]
    limited = Client().post(url(workflow))
    assert 1 <= int(limited["Retry-After"]) <= 3600
    assert Client().post(url(other)).status_code == 202  # the limit is per workflow
    assert Execution.objects.filter(workflow=workflow).count() == 3


def test_idempotency_key_returns_the_first_execution(alice):
    workflow = webhook_workflow(alice)
    first = Client().post(url(workflow), HTTP_IDEMPOTENCY_KEY="order-7")
    again = Client().post(url(workflow), HTTP_IDEMPOTENCY_KEY="order-7")
    other = Client().post(url(workflow), HTTP_IDEMPOTENCY_KEY="order-8")
    assert first.json()["execution_id"] == again.json()["execution_id"]
    assert other.json()["execution_id"] != first.json()["execution_id"]
    assert Execution.objects.count() == 2


def secret_credential(owner, value="It's a Secret to Everybody"):
    return store.create(owner, "hook secret", "webhook_secret", value)


def test_github_hmac_with_the_documented_example(alice):
    credential = secret_credential(alice)
    workflow = webhook_workflow(
        alice, {"auth": "hmac", "hmac_preset": "github", "credential": credential.pk}
    )
    body = b"Hello, World!"
    documented = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    good = Client().post(
        url(workflow), data=body, content_type="text/plain", HTTP_X_HUB_SIGNATURE_256=documented
    )
    assert good.status_code == 202
    bad = Client().post(
        url(workflow),
        data=body + b"!",
        content_type="text/plain",
        HTTP_X_HUB_SIGNATURE_256=documented,
    )
    assert bad.status_code == 401
    assert bad.json()["message"].startswith("Signature does not match")
    missing = Client().post(url(workflow), data=body, content_type="text/plain")
    assert missing.json()["message"] == "Missing X-Hub-Signature-256 header"
    assert Execution.objects.count() == 1
    assert len(refusals()) == 2


def test_header_auth(alice):
    credential = secret_credential(alice, "letmein-123")
    workflow = webhook_workflow(
        alice, {"auth": "header", "header_name": "X-Token", "credential": credential.pk}
    )
    assert Client().post(url(workflow), HTTP_X_TOKEN="letmein-123").status_code == 202
    assert Client().post(url(workflow), HTTP_X_TOKEN="wrong").status_code == 401
    assert Client().post(url(workflow)).status_code == 401


def test_slack_signature_with_a_replay_window(alice):
    import time

    credential = secret_credential(alice, "slack-signing-secret")
    workflow = webhook_workflow(
        alice, {"auth": "hmac", "hmac_preset": "slack", "credential": credential.pk}
    )
    body = "token=x&text=hello"

    def signed(ts: int) -> dict:
        digest = hmac.new(
            b"slack-signing-secret", f"v0:{ts}:{body}".encode(), hashlib.sha256
        ).hexdigest()
        return {"HTTP_X_SLACK_SIGNATURE": f"v0={digest}", "HTTP_X_SLACK_REQUEST_TIMESTAMP": str(ts)}

    now = int(time.time())
    ok = Client().post(
        url(workflow), data=body, content_type="application/x-www-form-urlencoded", **signed(now)
    )
    assert ok.status_code == 202
    stale = Client().post(
        url(workflow),
        data=body,
        content_type="application/x-www-form-urlencoded",
        **signed(now - 600),
    )
    assert stale.status_code == 401
    assert "replay window" in stale.json()["message"]


def test_last_node_response_answers_with_the_last_output(alice):
    workflow = webhook_workflow(
        alice,
        {"response": "last_node"},
        then=[
            {
                "id": "shape",
                "type": "utility.transform",
                "config": {
                    "language": "template",
                    "expression": '{"thanks": "{{ trigger.body.name }}"}',
                },
            }
        ],
    )
    response = Client().post(
        url(workflow), data=json.dumps({"name": "Ada"}), content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {"result": {"thanks": "Ada"}}


def test_last_node_answers_with_redis_down_in_queue_mode(alice, settings, cache_down):
    # Neither the rate limiter's cache nor the completion channel can be reached: the run is
    # taken and answered all the same.
    settings.EMBEDDED = False
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    then = [{"id": "shape", "type": "utility.transform", "config": {"expression": "body"}}]
    workflow = webhook_workflow(alice, {"response": "last_node"}, then=then)
    response = Client().post(url(workflow), data='{"n": 7}', content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"result": {"n": 7}}


def test_last_node_falls_back_to_202_when_the_run_takes_too_long(alice, settings):
    settings.WORKFUSE_WEBHOOK_WAIT_SECONDS = 0
    workflow = webhook_workflow(
        alice,
        {"response": "last_node"},
        then=[{"id": "nap", "type": "utility.delay", "config": {"seconds": 60}}],
    )
    response = Client().post(url(workflow))
    assert response.status_code == 202
    assert response.json()["status"] == "running"


def test_invalid_json_is_refused_clearly(alice):
    workflow = webhook_workflow(alice)
    response = Client().post(url(workflow), data="{oops", content_type="application/json")
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["message"]
    assert not Execution.objects.exists()


# --- Redis down: the broker -------------------------------------------------------------------


def test_the_broker_down_still_answers_202_with_a_stored_execution(alice, broker_down, settings):
    pick = {"id": "pick", "type": "utility.transform", "config": {"expression": "body.order"}}
    workflow = webhook_workflow(alice, then=[pick])

    response = Client().post(url(workflow), data={"order": 7}, content_type="application/json")

    assert response.status_code == 202, response.content
    execution = Execution.objects.get(pk=response.json()["execution_id"])
    assert execution.trigger_data["body"] == {"order": 7}
    assert execution.steps.get(key="pick").status == "pending"

    broker_down.recover()
    engine.sweep(now=timezone.now() + timedelta(seconds=settings.WORKFUSE_REDISPATCH_SECONDS + 1))
    execution.refresh_from_db()
    assert execution.status == "succeeded"
    assert execution.steps.get(key="pick").output == {"result": 7}


# --- input limits (docs/security.md) ----------------------------------------------------------


def hostile(workflow: Workflow, text: str, **extra):
    client = Client(raise_request_exception=False)
    return client.post(url(workflow), data=text, content_type="application/json", **extra)


@pytest.mark.parametrize(
    ("text", "field", "says"),
    [
        ('{"a": ' * 50_000 + "1" + "}" * 50_000, "body", "more than 64 levels deep"),
        ("[" * 50_000, "body", "more than 64 levels deep"),
        ('{"order": {"total": ' + "9" * 5000 + "}}", "body.order.total", "5000 digits"),
        ('{"total": 1e999}', "body.total", "1e999 is beyond the range of a finite number"),
        ('{"total": NaN}', "body.total", "NaN is not a number JSON allows"),
        ("[1, -Infinity]", "body[1]", "-Infinity is not a number JSON allows"),
        ('{"note": "a\\u0000b"}', "body.note", "NUL character"),
    ],
)
def test_json_beyond_the_input_limits_is_refused_as_json_400(alice, text, field, says):
    workflow = webhook_workflow(alice)
    response = hostile(workflow, text)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "bad_request"
    assert body["message"].startswith("The body was refused: ")
    assert says in body["message"]
    assert [d["field"] for d in body["details"]] == [field]
    assert not Execution.objects.exists()
    assert refusals()[0].detail["status"] == 400


def test_a_nul_character_in_the_query_or_a_form_field_is_refused(alice):
    workflow = webhook_workflow(alice)
    query = Client().post(url(workflow) + "?ref=a%00b")
    form = Client().post(url(workflow), {"name": "a\x00b"})
    assert (query.status_code, form.status_code) == (400, 400)
    assert query.json()["details"][0]["field"] == "query.ref"
    assert form.json()["details"][0]["field"] == "body.name"
    assert not Execution.objects.exists()


def test_text_with_a_nul_character_is_kept_as_base64(alice):
    workflow = webhook_workflow(alice)
    response = Client().post(url(workflow), data=b"a\x00b", content_type="text/plain")
    assert response.status_code == 202
    stored = Execution.objects.get().trigger_data["body"]
    assert stored == {"base64": "YQBi"}


def test_a_content_length_that_is_not_a_number_does_not_break_the_hook(alice):
    workflow = webhook_workflow(alice)
    response = Client().post(
        url(workflow),
        data="{}",
        content_type="application/json",
        CONTENT_LENGTH="2",
        HTTP_CONTENT_LENGTH="many",
    )
    assert response.status_code == 202


def test_a_body_within_the_limits_starts_a_run(alice):
    workflow = webhook_workflow(alice)
    nested: dict = {"total": 2**63 - 1, "ratio": 0.5}
    for _ in range(60):
        nested = {"a": nested}
    response = Client().post(url(workflow), data=nested, content_type="application/json")
    assert response.status_code == 202


# --- Redis down: the cache --------------------------------------------------------------------


def test_the_rate_limiter_fails_open_when_the_cache_is_down(alice, cache_down, caplog):
    workflow = webhook_workflow(alice)

    response = Client().post(url(workflow), data={"order": 7}, content_type="application/json")

    assert response.status_code == 202, response.content
    execution = Execution.objects.get(pk=response.json()["execution_id"])
    assert execution.trigger_data["body"] == {"order": 7}
    assert "Webhook rate limit not checked" in caplog.text


# --- forms: files posted with a multipart form ---


def test_a_file_posted_with_a_form_is_a_file_value_in_the_triggers_files(alice):
    workflow = webhook_workflow(alice)
    cv = SimpleUploadedFile("cv.pdf", b"%PDF-1.4 ada", content_type="application/pdf")

    response = Client().post(url(workflow), {"Your name": "Ada", "CV": cv})

    assert response.status_code == 202
    data = Execution.objects.get(pk=response.json()["execution_id"]).trigger_data
    assert data["body"] == {"Your name": "Ada"}
    assert data["files"] == {
        "CV": {
            "filename": "cv.pdf",
            "content_type": "application/pdf",
            "size": 12,
            "content": "JVBERi0xLjQgYWRh",
        },
    }


def test_a_posted_file_over_the_file_limit_is_refused_and_starts_nothing(alice, settings):
    settings.WORKFUSE_FILE_MAX_BYTES = 10
    workflow = webhook_workflow(alice)
    big = SimpleUploadedFile("big.bin", b"x" * 11)

    response = Client().post(url(workflow), {"CV": big})

    assert response.status_code == 413
    assert "The uploaded file 'CV' is" in response.json()["message"]
    assert not Execution.objects.filter(workflow=workflow).exists()
