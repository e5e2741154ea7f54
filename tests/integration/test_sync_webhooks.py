"""Synchronous webhooks for real (uvicorn, a `celery worker`, beat, PostgreSQL, Redis): the
answer waits for the run without holding a thread, a run that leaves the web process is
answered when a worker finishes it (Redis carries the news), and a web process killed in the
middle of a run leaves an execution that resumes and finishes without repeating a step."""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx
import pytest

from editor.models import Workflow
from executions.models import Execution, Step
from tests.fakes import handled_by
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]


def hook_workflow(owner: Any, *nodes: dict) -> Workflow:
    ids = ["hook", *(n["id"] for n in nodes)]
    graph = {
        "nodes": [
            {
                "id": "hook",
                "type": "trigger.webhook",
                "config": {"methods": ["POST"], "response": "last_node"},
            },
            *nodes,
        ],
        "edges": [{"source": a, "target": b} for a, b in itertools.pairwise(ids)],
    }
    workflow = Workflow.create(owner, "sync hook", graph=graph)
    workflow.is_active = True
    workflow.save()
    return workflow


def transform(node_id: str, expression: str) -> dict:
    return {"id": node_id, "type": "utility.transform", "config": {"expression": expression}}


def post(url: str, body: Any, timeout: float = 30) -> httpx.Response:
    return httpx.post(
        url, content=json.dumps(body), timeout=timeout, headers={"Content-Type": "application/json"}
    )


def test_a_run_that_leaves_the_web_process_is_answered_when_a_worker_finishes_it(queue_mode, alice):
    # The delay hands the run to the durable path: the sweep wakes it, a worker finishes it,
    # and the news reaches the waiting request over Redis.
    workflow = hook_workflow(
        alice,
        transform("first", "body"),
        {"id": "nap", "type": "utility.delay", "config": {"seconds": 3}},
        transform("last", "{done: `true`}"),
    )
    queue_mode.beat()
    queue_mode.worker(concurrency=1)
    queue_mode.web()
    url = f"{queue_mode.url}/hooks/{workflow.webhook_token}"
    started = time.monotonic()
    answers: list[httpx.Response] = []

    def call() -> None:
        answers.append(post(url, {"n": 1}))

    # Five times more waiting callers than the web process has threads for blocking work: if a
    # wait held a thread they would be answered in five rounds of 3 s or more.
    callers = [threading.Thread(target=call) for _ in range(40)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(60)
    assert [a.status_code for a in answers] == [200] * 40, answers[0].text
    assert all(a.json() == {"result": {"done": True}} for a in answers)
    assert time.monotonic() - started < 10
    # Meanwhile the same server answered other requests at once.
    assert httpx.get(f"{queue_mode.url}/", timeout=5).status_code == 200
    assert Execution.objects.filter(workflow=workflow, status="succeeded").count() == 40


class _SlowService(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        time.sleep(4)
        body = b'{"slow": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_slow_runs_filling_the_web_threads_do_not_hold_up_other_webhooks(queue_mode, alice):
    # Ten runs wait on a slow service (4 s), more than the web process keeps threads for its
    # blocking work (WORKFUSE_WEBHOOK_THREADS); another webhook's call is still answered at
    # once, from the overflow pool (workfuse/lib/lean_asgi.py `in_pool`).
    with handled_by(_SlowService) as service:
        slow = hook_workflow(
            alice, {"id": "call", "type": "action.http", "config": {"url": f"{service}/"}}
        )
        quick = hook_workflow(alice, transform("last", "{quick: `true`}"))
        queue_mode.worker(concurrency=1)
        queue_mode.web()
        answers: list[httpx.Response] = []

        def call() -> None:
            answers.append(post(f"{queue_mode.url}/hooks/{slow.webhook_token}", {}))

        callers = [threading.Thread(target=call) for _ in range(10)]
        for caller in callers:
            caller.start()
        time.sleep(1)  # every slow call has reached the slow service
        started = time.monotonic()
        answer = post(f"{queue_mode.url}/hooks/{quick.webhook_token}", {})
        waited = time.monotonic() - started
        for caller in callers:
            caller.join(30)
    assert answer.status_code == 200 and answer.json() == {"result": {"quick": True}}, answer.text
    print("waited", waited)
    assert waited < 2.5, waited
    assert [a.status_code for a in answers] == [200] * 10, answers[0].text


def test_killing_the_web_process_mid_run_leaves_a_run_that_resumes_and_finishes(
    queue_mode, alice, settings
):
    spin = "let s = 0; const end = Date.now() + 3000; while (Date.now() < end) s++; return 1;"
    workflow = hook_workflow(
        alice,
        transform("first", "body"),
        {"id": "slow", "type": "action.code", "config": {"code": spin, "timeout_ms": 10000}},
        transform("last", "{done: `true`}"),
    )
    queue_mode.beat()
    queue_mode.worker(concurrency=1)
    web = queue_mode.web()
    url = f"{queue_mode.url}/hooks/{workflow.webhook_token}"
    cut_off: list[Exception] = []

    def call() -> None:
        try:
            post(url, {})
        except httpx.HTTPError as exc:  # the server died under the request
            cut_off.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    wait_for(
        lambda: Step.objects.filter(key="slow", status="running").exists(),
        30,
        what="the slow step to run in the web process",
    )
    web.kill()  # the run was going on in the web process that received the call
    caller.join(10)
    assert cut_off
    execution = Execution.objects.get(workflow=workflow)
    wait_for(
        lambda: Execution.objects.filter(pk=execution.pk, status="succeeded").exists(),
        60,
        what="the run to be taken back and finished by the worker",
    )
    steps = {s.key: s for s in Step.objects.filter(execution=execution)}
    assert [a["status"] for a in steps["first"].attempts] == ["succeeded"]  # not repeated
    assert [a["status"] for a in steps["slow"].attempts] == ["interrupted", "succeeded"]
    assert steps["last"].output == {"result": {"done": True}}
