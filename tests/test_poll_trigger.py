"""trigger.poll (executions/polls.py) against a local JSON API: activation creates the poll,
the first poll only records what exists, later polls start one run per new item with the item
as the trigger's output, a seen item never runs twice, errors are shown and back off, the
credential is sent and scrubbed, and the GitHub preset fills the request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from pydantic import ValidationError

from credentials import store
from editor.models import Poll, SeenItem, Workflow
from editor.nodes import trigger_poll
from executions import polls
from executions.models import Execution
from tests.engine_helpers import make_workflow
from tests.fakes import Answer, FakeService, Received, running

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "poll-token-Zx81Qw77Lk"


class FakeOrders(FakeService):
    """A JSON API listing orders under `data.orders`, newest first; wants a bearer token."""

    def __init__(self) -> None:
        super().__init__()
        self.orders: list[dict[str, Any]] = []

    def respond(self, request: Received) -> Answer:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return Answer(401, {"error": "unauthorized"})
        return Answer(200, {"data": {"orders": list(reversed(self.orders))}})


@pytest.fixture
def api(settings: Any) -> Iterator[FakeOrders]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeOrders()) as fake:
        yield fake


def poll_graph(url: str, credential: int | None, **config: Any) -> dict[str, Any]:
    trigger = {
        "id": "new_order",
        "type": "trigger.poll",
        "config": {
            "url": url,
            "credential": credential,
            "auth": "bearer" if credential else None,
            "items_path": "data.orders",
            "id_field": "id",
            "interval_seconds": 60,
            **config,
        },
    }
    note = {
        "id": "note",
        "type": "utility.transform",
        "config": {"language": "template", "expression": "order {{ trigger.id }}"},
    }
    return {"nodes": [trigger, note], "edges": [{"source": "new_order", "target": "note"}]}


def active(owner: Any, graph: dict[str, Any]) -> Workflow:
    workflow = make_workflow(owner, graph)
    workflow.is_active = True
    workflow.save()
    return workflow


def poll_now(workflow: Workflow) -> int:
    """Send the poll as the sweep does when it is due (the task runs at once in tests)."""
    poll = Poll.objects.get(workflow=workflow)
    sent = polls.send_due(now=max(poll.next_poll_at, timezone.now()))
    assert sent == 1
    return Execution.objects.filter(workflow=workflow).count()


@pytest.fixture
def orders(alice: Any, api: FakeOrders) -> Workflow:
    credential = store.create(alice, "Orders API", "bearer", TOKEN)
    return active(alice, poll_graph(f"{api.url}/orders", credential.pk))


def test_activation_creates_a_poll_due_now_and_deactivation_removes_it(alice, api):
    workflow = make_workflow(alice, poll_graph(f"{api.url}/orders", None))
    assert not Poll.objects.exists()
    workflow.is_active = True
    workflow.save()
    poll = Poll.objects.get(workflow=workflow)
    assert (poll.node_id, poll.interval_seconds, poll.primed) == ("new_order", 60, False)
    assert poll.next_poll_at <= timezone.now()
    workflow.is_active = False
    workflow.save()
    assert not Poll.objects.exists()


def test_the_first_poll_records_what_exists_and_starts_nothing(orders, api):
    api.orders = [{"id": 1}, {"id": 2}]

    assert poll_now(orders) == 0

    poll = Poll.objects.get(workflow=orders)
    assert poll.primed and (poll.last_status, poll.last_found, poll.last_started) == ("ok", 2, 0)
    assert SeenItem.objects.filter(workflow=orders, node_id="new_order").count() == 2
    assert 59 <= (poll.next_poll_at - timezone.now()).total_seconds() <= 60
    [request] = api.requests
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


def test_a_later_poll_starts_one_run_per_new_item_with_the_item(orders, api):
    api.orders = [{"id": 1}]
    poll_now(orders)
    api.orders += [{"id": 2, "total": 20}, {"id": 3, "total": 30}]

    assert poll_now(orders) == 2

    runs = Execution.objects.filter(workflow=orders).order_by("created_at")
    assert {r.trigger_kind for r in runs} == {"poll"}
    assert {r.trigger_node for r in runs} == {"new_order"}
    assert sorted(r.trigger_data["id"] for r in runs) == [2, 3]
    for run in runs:
        run.refresh_from_db()
        assert run.status == "succeeded", run.error
        note = run.steps.get(key="note")
        assert note.output == {"result": f"order {run.trigger_data['id']}"}
    poll = Poll.objects.get(workflow=orders)
    assert (poll.last_found, poll.last_started) == (3, 2)


def test_a_seen_item_never_runs_twice(orders, api):
    api.orders = [{"id": 1}]
    poll_now(orders)
    api.orders.append({"id": 2})
    assert poll_now(orders) == 1
    assert poll_now(orders) == 1  # still listed: not new
    api.orders.append({"id": 2})  # the API repeats it
    assert poll_now(orders) == 1


def test_a_second_sweep_does_not_send_a_claimed_poll_again(orders, api, monkeypatch):
    sent: list[tuple[int, str]] = []
    monkeypatch.setattr(polls.dispatch, "send_poll", lambda pk, claim: sent.append((pk, claim)))
    now = timezone.now()
    assert polls.send_due(now=now) == 1
    assert polls.send_due(now=now) == 0  # claimed: its next_poll_at moved past the claim
    [(pk, claim)] = sent
    assert polls.run(pk, "an old claim") == 0 and api.requests == []  # a stale message
    polls.run(pk, claim)
    assert len(api.requests) == 1
    assert polls.run(pk, claim) == 0 and len(api.requests) == 1  # a duplicate delivery
    lost = Poll.objects.get(pk=pk)
    assert lost.claimed_at is None and lost.primed


def test_a_lost_poll_message_is_sent_again_once_its_claim_runs_out(orders, monkeypatch):
    sent: list[tuple[int, str]] = []
    monkeypatch.setattr(polls.dispatch, "send_poll", lambda pk, claim: sent.append((pk, claim)))
    now = timezone.now()
    polls.send_due(now=now)
    later = now + timedelta(seconds=polls.CLAIM_SECONDS)
    assert polls.send_due(now=later) == 1
    assert sent[0][1] != sent[1][1]


def test_errors_are_shown_and_back_off_then_clear(orders, api):
    api.orders = [{"id": 1}]
    api.script(Answer(500, "boom"), Answer(500, "boom"))

    poll_now(orders)
    poll = Poll.objects.get(workflow=orders)
    assert (poll.last_status, poll.failures, poll.primed) == ("error", 1, False)
    assert "HTTP 500" in poll.last_error or "500" in poll.last_error
    first_wait = (poll.next_poll_at - timezone.now()).total_seconds()
    assert 115 <= first_wait <= 120  # the interval (60 s) doubled

    poll_now(orders)
    poll.refresh_from_db()
    assert poll.failures == 2
    assert 235 <= (poll.next_poll_at - timezone.now()).total_seconds() <= 240

    poll_now(orders)  # the API is back: the first good answer primes
    poll.refresh_from_db()
    assert (poll.last_status, poll.failures, poll.last_error, poll.primed) == ("ok", 0, "", True)
    assert not Execution.objects.exists()


def test_a_rate_limit_waits_at_least_what_the_api_asks(orders, api):
    api.script(Answer(429, {"error": "slow down"}, {"Retry-After": "900"}))
    poll_now(orders)
    poll = Poll.objects.get(workflow=orders)
    assert 895 <= (poll.next_poll_at - timezone.now()).total_seconds() <= 900


def test_an_answer_without_the_list_says_so(alice, api):
    credential = store.create(alice, "Orders API", "bearer", TOKEN)
    workflow = active(alice, poll_graph(f"{api.url}/orders", credential.pk, items_path="items"))
    poll_now(workflow)
    poll = Poll.objects.get(workflow=workflow)
    assert poll.last_error == (
        "The answer has no list to read: expected a list at 'items', found NoneType."
    )


def test_a_refused_credential_is_shown_without_the_secret(alice, api):
    credential = store.create(alice, "Orders API", "bearer", "wrong-token-Qp77Zr41")
    api.script(Answer(401, {"error": "bad token wrong-token-Qp77Zr41"}))
    workflow = active(alice, poll_graph(f"{api.url}/orders", credential.pk))
    poll_now(workflow)
    poll = Poll.objects.get(workflow=workflow)
    assert poll.last_status == "error" and "401" in poll.last_error
    assert "wrong-token-Qp77Zr41" not in poll.last_error


def test_an_echoed_secret_in_an_item_is_scrubbed_before_the_run_stores_it(orders, api):
    api.orders = [{"id": 1}]
    poll_now(orders)
    api.orders.append({"id": 2, "note": f"token {TOKEN}"})
    poll_now(orders)
    run = Execution.objects.get(workflow=orders)
    assert TOKEN not in json.dumps(run.trigger_data)


def test_changing_what_is_asked_primes_again_but_the_interval_does_not(orders, api):
    api.orders = [{"id": 1}]
    poll_now(orders)
    graph = json.loads(json.dumps(orders.graph))
    graph["nodes"][0]["config"]["interval_seconds"] = 120
    orders.graph = graph
    orders.save()
    poll = Poll.objects.get(workflow=orders)
    assert poll.primed and poll.interval_seconds == 120
    graph["nodes"][0]["config"]["url"] = f"{api.url}/orders?status=new"
    orders.graph = graph
    orders.save()
    poll.refresh_from_db()
    assert not poll.primed and poll.next_poll_at <= timezone.now()


def test_the_settings_are_checked():
    with pytest.raises(ValidationError, match="greater than or equal to 30"):
        trigger_poll.Config.model_validate({"url": "https://a.example", "interval_seconds": 5})
    with pytest.raises(ValidationError) as caught:
        trigger_poll.Config.model_validate({})
    assert caught.value.errors()[0]["loc"] == ("url",)
    with pytest.raises(ValidationError, match="is not a JMESPath"):
        trigger_poll.Config.model_validate({"url": "https://a.example", "items_path": "a[["})


def test_items_and_ids_are_read_by_path():
    answer = {"data": {"items": [{"issue": {"id": 7}}, {"issue": {}}, {"issue": {"id": "x"}}]}}
    items = trigger_poll.items_in(answer, "data.items")
    assert [trigger_poll.item_id(i, "issue.id") for i in items] == ["7", None, "x"]
    assert trigger_poll.items_in([1, 2], "") == [1, 2]
    with pytest.raises(ValueError, match="expected a list at 'data'"):
        trigger_poll.items_in(answer, "data")


# --- the GitHub preset --------------------------------------------------------------------------


def test_the_github_preset_fills_the_request_and_leaves_the_credential():
    filled = trigger_poll.fill_form(
        {"preset": "github_issues", "preset_repository": "acme/shop", "credential": 3}
    )
    assert filled == {
        "url": "https://api.github.com/repos/acme/shop/issues?state=open&sort=created"
        "&direction=desc&per_page=50",
        "method": "GET",
        "headers": {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        },
        "items_path": "[?!pull_request]",
        "id_field": "id",
        "auth": "bearer",
        "credential": 3,
    }
    trigger_poll.Config.model_validate(filled)
    with pytest.raises(ValidationError) as caught:
        trigger_poll.Config.model_validate(
            trigger_poll.fill_form({"preset": "github_issues", "preset_repository": "shop"})
        )
    assert {e["loc"] for e in caught.value.errors()} == {("preset_repository",), ("url",)}


def test_the_settings_form_applies_the_preset(alice_client, alice):
    workflow = Workflow.create(alice, "w")
    response = alice_client.post(
        f"/workflows/{workflow.pk}/node-settings/",
        {
            "action": "apply",
            "node_type": "trigger.poll",
            "node_id": "poll",
            "config": "{}",
            "f:preset": "github_issues",
            "f:preset_repository": "acme/shop",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "https://api.github.com/repos/acme/shop/issues" in html
    assert "[?!pull_request]" in html


@pytest.mark.parametrize("kind", ["github"])
def test_github_issues_through_the_preset_with_a_github_token(alice, settings, kind):
    from tests.fakes.github import TOKEN as GITHUB_TOKEN
    from tests.fakes.github import FakeGitHub

    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeGitHub()) as github:
        credential = store.create(alice, "Acme GitHub", kind, {"token": GITHUB_TOKEN})
        config = trigger_poll.fill_form(
            {
                "preset": "github_issues",
                "preset_repository": "acme/shop",
                "credential": credential.pk,
            }
        )
        config["url"] = config["url"].replace("https://api.github.com", github.url)
        graph = poll_graph("", None)
        graph["nodes"][0]["config"] = config
        graph["nodes"][1]["config"]["expression"] = "{{ trigger.title }}"
        workflow = active(alice, graph)
        github.add_issue("acme/shop", "Old")
        poll_now(workflow)
        github.add_issue("acme/shop", "New one")
        github.add_issue("acme/shop", "A pull request", pull_request={"url": "x"})
        assert poll_now(workflow) == 1
        request = github.requests[-1]
    assert request.headers["authorization"] == f"Bearer {GITHUB_TOKEN}"
    assert request.query["state"] == ["open"]
    run = Execution.objects.get(workflow=workflow)
    assert run.trigger_data["title"] == "New one"


# --- the gallery starter and the workflow page --------------------------------------------------


def test_the_github_to_slack_starter_posts_each_new_issue(alice, settings):
    from editor.gallery import TEMPLATES
    from tests.fakes.github import TOKEN as GITHUB_TOKEN
    from tests.fakes.github import FakeGitHub
    from tests.fakes.slack import BOT_TOKEN, FakeSlack

    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeGitHub()) as github, running(FakeSlack()) as slack:
        graph = TEMPLATES["new-github-issue-to-slack"].new_graph()
        trigger, _, notify = graph["nodes"]
        trigger["config"]["url"] = trigger["config"]["url"].replace(
            "https://api.github.com", github.url
        )
        trigger["config"]["credential"] = store.create(
            alice, "Acme GitHub", "github", {"token": GITHUB_TOKEN}
        ).pk
        notify["config"]["credential"] = store.create(
            alice, "Acme Slack", "slack", {"bot_token": BOT_TOKEN, "base_url": slack.api_url}
        ).pk
        workflow = active(alice, graph)
        github.add_issue("acme/shop", "Already there")
        poll_now(workflow)
        issue = github.add_issue("acme/shop", "Cart is empty")
        poll_now(workflow)
    run = Execution.objects.get(workflow=workflow)
    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    [posted] = slack.messages
    assert posted.text == (
        f"New issue #{issue['number']} by octocat: <{issue['html_url']}|Cart is empty>"
    )


def test_the_workflow_page_shows_the_polls_last_status_and_error(alice, alice_client, orders, api):
    page = alice_client.get(orders.get_absolute_url()).content.decode()
    assert 'id="poll"' in page and "Not polled yet" in page
    api.script(Answer(503, "down for maintenance"))
    poll_now(orders)
    page = alice_client.get(orders.get_absolute_url()).content.decode()
    assert "Last poll failed" in page and "503" in page and "1 in a row" in page
    poll_now(orders)
    page = alice_client.get(orders.get_absolute_url()).content.decode()
    assert "0 items in the answer, 0 new runs" in page
