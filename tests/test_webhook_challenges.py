"""trigger.webhook's `challenge` (executions/challenges.py): Meta's subscription check and
Slack's URL check answered with the challenge and nothing started (Slack's only when signed,
where the trigger checks signatures), every wrong check refused, other calls handled as usual,
and the checks rate limited like any call."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.models import SecurityEvent
from credentials import store
from editor.models import Workflow
from editor.nodes.trigger_webhook import Config
from executions.challenges import (
    MAX_CHALLENGE,
    answer_meta,
    answer_slack,
    is_meta_check,
    is_slack_check,
    is_woocommerce_ping,
)
from executions.models import Execution
from executions.signatures import sign

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


# --- slack ---
SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
# Slack's url_verification, as its Events API documentation shows it.
SLACK_CHECK = {
    "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
    "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
    "type": "url_verification",
}


@pytest.mark.parametrize(
    ("method", "body", "check"),
    [
        ("POST", SLACK_CHECK, True),
        ("GET", SLACK_CHECK, False),
        ("POST", {**SLACK_CHECK, "type": "event_callback"}, False),
        ("POST", [SLACK_CHECK], False),
        ("POST", "type=url_verification", False),
    ],
)
def test_only_a_post_of_url_verification_is_slacks_check(method, body, check):
    assert is_slack_check(method, body) is check


@pytest.mark.parametrize(
    ("challenge", "says"),
    [
        (None, f"challenge must be text of 1 to {MAX_CHALLENGE} characters"),
        (42, f"challenge must be text of 1 to {MAX_CHALLENGE} characters"),
        ("", f"challenge must be text of 1 to {MAX_CHALLENGE} characters"),
        ("x" * (MAX_CHALLENGE + 1), f"challenge must be text of 1 to {MAX_CHALLENGE} characters"),
        ("3eZ\nbrw", "challenge must be printable text"),
    ],
)
def test_a_slack_check_without_a_sane_challenge_is_refused(challenge, says):
    answer = answer_slack({**SLACK_CHECK, "challenge": challenge})
    assert (answer.ok, answer.text) == (False, says)


def slack_workflow(owner, *, signed: bool = True, challenge: str = "slack") -> Workflow:
    config: dict = {"challenge": challenge}
    if signed:
        credential = store.create(owner, "Slack signing secret", "webhook_secret", SLACK_SECRET)
        config |= {"auth": "hmac", "hmac_preset": "slack", "credential": credential.pk}
    graph = {"nodes": [{"id": "hook", "type": "trigger.webhook", "config": config}]}
    workflow = Workflow.create(owner, "slack", graph=graph)
    workflow.is_active = True
    workflow.save()
    return workflow


def slack_post(workflow: Workflow, body: bytes, secret: str | None = SLACK_SECRET):
    headers = {}
    if secret is not None:
        config = Config.model_validate({"auth": "hmac", "hmac_preset": "slack", "credential": 1})
        headers = {
            "HTTP_" + k.upper().replace("-", "_"): v for k, v in sign(config, secret, body).items()
        }
    return Client().post(
        f"/hooks/{workflow.webhook_token}", data=body, content_type="application/json", **headers
    )


@pytest.mark.django_db(transaction=True)
def test_a_signed_slack_check_is_answered_with_its_challenge_and_starts_nothing(alice):
    workflow = slack_workflow(alice)
    answer = slack_post(workflow, json.dumps(SLACK_CHECK).encode())
    assert answer.status_code == 200
    assert answer.json() == {"challenge": SLACK_CHECK["challenge"]}
    assert Execution.objects.count() == 0
    assert SecurityEvent.objects.filter(kind="webhook_refused").count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_badly_signed_or_unsigned_slack_check_is_refused_401_and_starts_nothing(alice):
    workflow = slack_workflow(alice)
    body = json.dumps(SLACK_CHECK).encode()
    forged = slack_post(workflow, body, secret="not-the-signing-secret")
    unsigned = slack_post(workflow, body, secret=None)
    for answer in (forged, unsigned):
        assert answer.status_code == 401 and answer.json()["code"] == "unauthorized"
        assert "challenge" not in answer.json()
    assert SecurityEvent.objects.filter(kind="webhook_refused").count() == 2
    assert Execution.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_slack_check_with_a_bad_challenge_is_refused_400_naming_it(alice):
    workflow = slack_workflow(alice, signed=False)
    answer = slack_post(workflow, json.dumps({**SLACK_CHECK, "challenge": 7}).encode(), None)
    assert answer.status_code == 400
    assert answer.json()["details"] == [
        {
            "field": "body.challenge",
            "message": f"challenge must be text of 1 to {MAX_CHALLENGE} characters",
        }
    ]
    assert Execution.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_without_the_slack_option_its_check_is_an_ordinary_call(alice):
    workflow = slack_workflow(alice, signed=False, challenge="none")
    answer = slack_post(workflow, json.dumps(SLACK_CHECK).encode(), None)
    assert answer.status_code == 202 and Execution.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_slack_check_is_rate_limited_like_any_call(alice, settings):
    settings.WORKFUSE_WEBHOOK_RATE = "2/h"  # a long window: the test never straddles its edge
    workflow = slack_workflow(alice)
    body = json.dumps(SLACK_CHECK).encode()
    answers = [slack_post(workflow, body) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[-1]["Retry-After"]


# --- end slack ---
