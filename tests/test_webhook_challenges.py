"""trigger.webhook's `challenge: meta` (executions/challenges.py): Meta's subscription check
answered with the challenge and nothing started, every wrong check refused, other calls
handled as usual, and the check rate limited like any call."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import SecurityEvent
from editor.models import Workflow
from executions.challenges import MAX_CHALLENGE, answer_meta, is_meta_check, is_woocommerce_ping
from executions.models import Execution

TOKEN = "hook-token-123"


def check(**query: str) -> dict[str, str]:
    return {"hub.mode": "subscribe", "hub.verify_token": TOKEN, "hub.challenge": "42", **query}


def test_the_check_is_answered_with_the_challenge_when_the_token_is_the_urls():
    assert answer_meta(check(), TOKEN).ok
    assert answer_meta(check(), TOKEN).text == "42"


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"hub.mode": "unsubscribe"}, "hub.mode must be 'subscribe', not 'unsubscribe'"),
        ({"hub.verify_token": "hook-token-12"}, "hub.verify_token does not match"),
        ({"hub.verify_token": ""}, "hub.verify_token does not match"),
        ({"hub.challenge": ""}, f"hub.challenge must be 1 to {MAX_CHALLENGE} printable"),
        ({"hub.challenge": "x" * (MAX_CHALLENGE + 1)}, "hub.challenge must be 1 to"),
        ({"hub.challenge": "4\n2"}, "hub.challenge must be 1 to"),
    ],
)
def test_a_wrong_check_is_refused_with_its_reason(query, says):
    answer = answer_meta(check(**query), TOKEN)
    assert not answer.ok
    assert answer.text.startswith(says)


def test_only_a_get_with_a_challenge_is_a_check():
    assert is_meta_check("GET", {"hub.challenge": "1"})
    assert not is_meta_check("POST", {"hub.challenge": "1"})
    assert not is_meta_check("GET", {"q": "1"})


def meta_workflow(owner, challenge: str = "meta") -> Workflow:
    graph = {
        "nodes": [{"id": "hook", "type": "trigger.webhook", "config": {"challenge": challenge}}]
    }
    workflow = Workflow.create(owner, "meta", graph=graph)
    workflow.is_active = True
    workflow.save()
    return workflow


@pytest.mark.django_db(transaction=True)
def test_the_webhook_answers_metas_check_as_text_and_starts_nothing(alice):
    workflow = meta_workflow(alice)
    url = f"/hooks/{workflow.webhook_token}"
    query = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}
    ok = Client().get(url, {**query, "hub.verify_token": workflow.webhook_token})
    assert (ok.status_code, ok.content) == (200, b"1158201444")
    assert ok["Content-Type"] == "text/plain; charset=utf-8"
    refused = Client().get(url, {**query, "hub.verify_token": "guess"})
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert SecurityEvent.objects.filter(kind="webhook_refused").count() == 1
    assert Execution.objects.count() == 0
    event = Client().post(url, data=b"{}", content_type="application/json")
    assert event.status_code == 202 and Execution.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_without_the_option_a_get_is_handled_as_any_call(alice):
    workflow = meta_workflow(alice, challenge="none")
    query = {"hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": "x"}
    answer = Client().get(f"/hooks/{workflow.webhook_token}", query)
    assert answer.status_code == 405  # the trigger takes POST only
    assert Execution.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_check_is_rate_limited_like_any_call(alice, settings):
    settings.WORKFUSE_WEBHOOK_RATE = "2/h"  # a long window: the test never straddles its edge
    workflow = meta_workflow(alice)
    query = {"hub.mode": "subscribe", "hub.challenge": "1", "hub.verify_token": "guess"}
    answers = [Client().get(f"/hooks/{workflow.webhook_token}", query) for _ in range(3)]
    assert [a.status_code for a in answers] == [403, 403, 429]
    assert answers[-1]["Retry-After"]


# --- svcb ---
@pytest.mark.parametrize(
    ("method", "headers", "body", "ping"),
    [
        ("POST", {}, b"webhook_id=12", True),
        ("POST", {"X-WC-Webhook-ID": "12"}, b"webhook_id=12", False),
        ("GET", {}, b"webhook_id=12", False),
        ("POST", {}, b"webhook_id=12&x=1", False),
        ("POST", {}, b'{"webhook_id": 12}', False),
        ("POST", {}, b"webhook_id=" + b"1" * 30, False),
    ],
)
def test_only_woocommerces_unsigned_ping_body_is_its_ping(method, headers, body, ping):
    assert is_woocommerce_ping(method, headers, body) is ping


@pytest.mark.django_db(transaction=True)
def test_without_the_woocommerce_option_the_ping_is_an_ordinary_call(alice):
    workflow = meta_workflow(alice, challenge="none")
    answer = Client().post(
        f"/hooks/{workflow.webhook_token}",
        data=b"webhook_id=12",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 202 and Execution.objects.count() == 1


# --- end svcb ---
