"""`trigger.webhook` with `response: respond_node`: the caller gets the answer of the first
`logic.respond` step, 204 when the run succeeds without one, 500 with the execution id when it
fails first, 202 with the status URL when it takes too long; the run goes on after answering."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from editor.gallery import TEMPLATES
from editor.models import Workflow
from executions import completion, engine
from executions.models import Execution, Step
from tests.engine_helpers import recorder
from tests.test_webhooks import url, webhook_workflow

pytestmark = pytest.mark.django_db(transaction=True)

RESPOND = {"response": "respond_node"}


def respond(node_id: str = "reply", **config: Any) -> dict:
    return {"id": node_id, "type": "logic.respond", "config": config}


def transform(node_id: str, expression: str) -> dict:
    return {"id": node_id, "type": "utility.transform", "config": {"expression": expression}}


def with_more(workflow: Workflow, nodes: list[dict], edges: list[dict]) -> Workflow:
    graph = workflow.graph
    workflow.save_graph(
        {"nodes": [*graph["nodes"], *nodes], "edges": [*graph["edges"], *edges]},
        user=workflow.owner,
    )
    return workflow


def post(workflow: Workflow, body: Any = None, **headers: Any) -> Any:
    return Client().post(
        url(workflow), data=json.dumps(body or {}), content_type="application/json", **headers
    )


def the_execution(workflow: Workflow) -> Execution:
    return Execution.objects.get(workflow=workflow)


def test_the_respond_node_answers_with_its_status_headers_and_body(alice):
    answer = respond(
        status=201,
        headers={"Location": "/orders/{{ trigger.body.id }}", "Cache-Control": "no-store"},
        body={"id": "{{ trigger.body.id }}", "thanks": "{{ trigger.body.name }}"},
    )
    workflow = webhook_workflow(alice, RESPOND, then=[answer, transform("after", "status")])

    response = post(workflow, {"id": 7, "name": "Ada"})

    assert response.status_code == 201
    assert response["Location"] == "/orders/7"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"id": 7, "thanks": "Ada"}
    execution = the_execution(workflow)
    assert execution.status == "succeeded"  # the run went on after answering
    assert execution.answered_by == "reply"
    steps = {s.key: s for s in execution.steps.all()}
    assert steps["reply"].output == {"status": 201}
    # The answer can be read from the database: the step's rendered input.
    assert steps["reply"].input == {
        "status": 201,
        "headers": {"Location": "/orders/7", "Cache-Control": "no-store"},
        "body": {"id": 7, "thanks": "Ada"},
        "content_type": "application/json",
        "file": None,  # files: a file to answer with instead of the body
    }
    assert steps["after"].output == {"result": 201}


def test_a_text_answer_keeps_its_content_type(alice):
    answer = respond(body="Hello {{ trigger.body.name }}", content_type="text/plain")
    workflow = webhook_workflow(alice, RESPOND, then=[answer])
    response = post(workflow, {"name": "Ada"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"Hello Ada"


def test_a_run_that_ends_without_a_respond_node_answers_204(alice):
    workflow = webhook_workflow(alice, RESPOND, then=[transform("shape", "body")])
    response = post(workflow, {"n": 1})
    assert response.status_code == 204
    assert response.content == b""
    assert the_execution(workflow).status == "succeeded"


def test_a_respond_node_on_a_branch_not_taken_answers_204(alice):
    check = {
        "id": "big",
        "type": "logic.condition",
        "config": {"rules": [{"left": "{{ trigger.body.n }}", "operator": "gt", "right": 10}]},
    }
    workflow = with_more(
        webhook_workflow(alice, RESPOND, then=[check]),
        [respond(status=201)],
        [{"source": "big", "source_handle": "true", "target": "reply"}],
    )
    assert post(workflow, {"n": 3}).status_code == 204
    assert post(workflow, {"n": 30}).status_code == 201


def test_a_run_that_fails_before_answering_answers_500_with_the_execution_id(alice):
    failing = {
        "id": "boom",
        "type": "action.code",
        "config": {"code": "throw new Error('no stock')"},
        "retry": {"max_attempts": 1},
    }
    workflow = webhook_workflow(alice, RESPOND, then=[failing, respond(status=201)])

    response = post(workflow)

    assert response.status_code == 500
    body = response.json()
    execution = the_execution(workflow)
    assert body["code"] == "execution_failed"
    assert body["execution_id"] == str(execution.pk)
    assert "no stock" in body["message"]
    assert body["message"] == execution.error
    assert execution.answered_by == ""


def test_a_header_a_template_fills_with_a_line_break_fails_the_step_naming_it(alice):
    answer = respond(headers={"X-Note": "{{ trigger.body.note }}"}, body={"ok": True})
    workflow = webhook_workflow(alice, RESPOND, then=[answer])

    response = post(workflow, {"note": "fine\r\nSet-Cookie: session=stolen"})

    assert response.status_code == 500
    assert "Set-Cookie" not in response
    step = Step.objects.get(key="reply")
    assert step.status == "failed"
    assert "header 'X-Note' has a line break" in step.error
    assert "header 'X-Note' has a line break" in response.json()["message"]
    assert post(workflow, {"note": "fine"})["X-Note"] == "fine"


def test_an_answer_given_after_the_run_failed_is_not_taken_back(alice):
    failing = {"id": "boom", "type": "action.code", "config": {"code": "throw new Error('x')"}}
    failing["retry"] = {"max_attempts": 1}
    workflow = webhook_workflow(alice, RESPOND, then=[respond(status=202), failing])
    response = post(workflow)
    assert response.status_code == 202
    assert response.content == b""  # the respond node's answer, not the 202 of a slow run
    execution = the_execution(workflow)
    assert (execution.status, execution.answered_by) == ("failed", "reply")


def test_a_caller_that_waits_longer_than_the_sync_timeout_gets_202(alice, settings):
    settings.WORKFUSE_WEBHOOK_WAIT_SECONDS = 0
    nap = {"id": "nap", "type": "utility.delay", "config": {"seconds": 60}}
    workflow = webhook_workflow(alice, RESPOND, then=[nap, respond(status=201)])
    response = post(workflow)
    assert response.status_code == 202
    body = response.json()
    execution = the_execution(workflow)
    assert body == {
        "execution_id": str(execution.pk),
        "status": "running",
        "status_url": f"http://testserver/api/executions/{execution.pk}",
    }


def answered_after_a_delay(alice: Any, settings: Any, monkeypatch: Any) -> tuple[Any, float]:
    """POST to webhook -> delay -> respond 201 -> transform; the sweep wakes the delay from
    another thread once the request waits. The answer and how long after the sweep it came."""
    settings.WORKFUSE_WEBHOOK_WAIT_SECONDS = 20
    nap = {"id": "nap", "type": "utility.delay", "config": {"seconds": 30}}
    answer = respond(status=201, body={"late": True})
    workflow = webhook_workflow(alice, RESPOND, then=[nap, answer, transform("after", "body")])
    swept: list[float] = []

    def wake() -> None:
        try:
            deadline = time.monotonic() + 10
            while not Step.objects.filter(key="nap", status="waiting").exists():
                assert time.monotonic() < deadline, "the delay never started"
                time.sleep(0.02)
            time.sleep(0.1)  # the request waits on its future by now
            engine.sweep(now=timezone.now() + timedelta(seconds=31))
            swept.append(time.monotonic())
        finally:
            connection.close()

    sweeper = threading.Thread(target=wake)
    sweeper.start()
    response = post(workflow)
    answered = time.monotonic()
    sweeper.join(10)
    assert swept, "the sweep did not run"
    return response, answered - swept[0]


def test_an_answer_given_on_a_worker_wakes_the_waiting_caller(alice, settings, monkeypatch):
    # Re-reads are a minute apart here: only the announcement can answer in time.
    monkeypatch.setattr(completion, "RECHECK_SECONDS", 60)
    response, after_sweep = answered_after_a_delay(alice, settings, monkeypatch)
    assert response.status_code == 201
    assert response.json() == {"late": True}
    assert after_sweep < 1.0


def test_with_redis_down_the_waiting_caller_reads_the_answer_from_the_database(
    alice, settings, monkeypatch, cache_down
):
    settings.EMBEDDED = False
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(completion, "_publisher", None)
    response, _ = answered_after_a_delay(alice, settings, monkeypatch)
    assert response.status_code == 201
    assert response.json() == {"late": True}


def test_a_repeated_idempotency_key_gets_the_first_answer_again(alice):
    answer = respond(status=201, body={"id": "{{ execution.id }}"})
    workflow = webhook_workflow(alice, RESPOND, then=[answer])

    first = post(workflow, {"n": 1}, HTTP_IDEMPOTENCY_KEY="order-7")
    again = post(workflow, {"n": 1}, HTTP_IDEMPOTENCY_KEY="order-7")

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() == {"id": str(the_execution(workflow).pk)}
    assert "Idempotent-Replayed" not in first
    assert again["Idempotent-Replayed"] == "true"


def test_a_repeated_key_of_a_run_still_going_waits_for_its_answer(alice, settings):
    settings.WORKFUSE_WEBHOOK_WAIT_SECONDS = 0
    nap = {"id": "nap", "type": "utility.delay", "config": {"seconds": 60}}
    workflow = webhook_workflow(alice, RESPOND, then=[nap, respond(status=201, body={"n": 1})])
    assert post(workflow, HTTP_IDEMPOTENCY_KEY="k").status_code == 202
    assert post(workflow, HTTP_IDEMPOTENCY_KEY="k").status_code == 202  # still waiting
    engine.sweep(now=timezone.now() + timedelta(seconds=61))
    repeated = post(workflow, HTTP_IDEMPOTENCY_KEY="k")
    assert (repeated.status_code, repeated.json()) == (201, {"n": 1})
    assert Execution.objects.filter(workflow=workflow).count() == 1


def test_only_the_first_of_two_respond_nodes_answers(alice):
    workflow = with_more(
        webhook_workflow(alice, RESPOND, then=[respond("one", status=201, body=1)]),
        [respond("two", status=409, body=2)],
        [{"source": "one", "target": "two"}],
    )
    response = post(workflow)
    assert (response.status_code, response.json()) == (201, 1)
    execution = the_execution(workflow)
    assert execution.answered_by == "one"
    assert execution.steps.get(key="two").output == {"status": 409}  # recorded, not sent


def test_outside_a_respond_node_webhook_the_node_only_records_its_output(alice):
    immediate = webhook_workflow(alice, then=[respond(status=201), transform("after", "body")])
    response = post(immediate, {"n": 1})
    assert response.status_code == 202
    execution = the_execution(immediate)
    assert execution.status == "succeeded" and execution.answered_by == ""
    assert execution.steps.get(key="reply").output == {"status": 201}

    manual = Workflow.create(
        alice,
        "manual",
        graph={
            "nodes": [{"id": "go", "type": "trigger.manual", "config": {}}, respond(status=418)],
            "edges": [{"source": "go", "target": "reply"}],
        },
    )
    run = engine.start_execution(manual, {})
    run.refresh_from_db()
    assert run.status == "succeeded" and run.answered_by == ""
    assert run.steps.get(key="reply").output == {"status": 418}


# --- the gallery's API endpoint -----------------------------------------------------------


@pytest.fixture
def endpoint(alice: Any, settings: Any) -> Any:
    """The "API endpoint" template, its record service pointed at a local recorder."""
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with recorder() as server:
        graph = TEMPLATES["api-endpoint"].new_graph()
        next(n for n in graph["nodes"] if n["id"] == "create")["config"]["url"] = server.url
        workflow = Workflow.create(alice, "API", graph=graph)
        workflow.is_active = True
        workflow.save()
        yield workflow, server


def test_the_api_endpoint_template_answers_201_with_the_id_then_creates_the_record(endpoint):
    workflow, server = endpoint
    response = post(workflow, {"name": "Ada", "email": "ada@example.com"})
    assert response.status_code == 201
    new_id = response.json()["id"]
    assert response.json() == {"id": new_id, "status": "created"}
    assert response["Location"] == f"https://api.example.com/people/{new_id}"
    [created] = server.requests
    assert json.loads(created["body"]) == {"id": new_id, "name": "Ada", "email": "ada@example.com"}
    assert the_execution(workflow).status == "succeeded"


@pytest.mark.parametrize("body", [{"name": "Ada", "email": "not an email"}, {"email": "a@b.co"}])
def test_the_api_endpoint_template_answers_422_and_creates_nothing(endpoint, body):
    workflow, server = endpoint
    response = post(workflow, body)
    assert response.status_code == 422, response.content
    assert response.json()["error"] == "invalid_input"
    assert server.requests == []
