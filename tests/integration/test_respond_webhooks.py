"""`response: respond_node` for real (uvicorn, a `celery worker`, beat, PostgreSQL, Redis): the
caller is answered by the respond node while a later node is still running on a worker, and
the run then finishes; an answer given on a worker reaches the waiting request over Redis."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

import httpx
import pytest

from editor.models import Workflow
from executions.models import Execution, Step
from tests.engine_helpers import recorder
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]


def respond_workflow(owner: Any, *nodes: dict) -> Workflow:
    ids = ["hook", *(n["id"] for n in nodes)]
    hook = {"id": "hook", "type": "trigger.webhook", "config": {"response": "respond_node"}}
    graph = {
        "nodes": [hook, *nodes],
        "edges": [{"source": a, "target": b} for a, b in itertools.pairwise(ids)],
    }
    workflow = Workflow.create(owner, "respond hook", graph=graph)
    workflow.is_active = True
    workflow.save()
    return workflow


def respond(**config: Any) -> dict:
    return {"id": "reply", "type": "logic.respond", "config": config}


def transform(node_id: str, expression: str) -> dict:
    return {"id": node_id, "type": "utility.transform", "config": {"expression": expression}}


def test_the_respond_node_answers_while_a_later_node_still_runs(queue_mode, alice):
    with recorder() as server:
        release = server.holds["/create"] = threading.Event()
        workflow = respond_workflow(
            alice,
            transform("check", "body"),
            respond(
                status=201,
                headers={"Location": "/people/{{ nodes.check.result.id }}"},
                body={"id": "{{ nodes.check.result.id }}"},
            ),
            {
                "id": "create",
                "type": "action.http",
                "config": {
                    "method": "POST",
                    "url": f"{server.url}/create",
                    "body": "{{ trigger }}",
                },
            },
            transform("done", "status"),
        )
        queue_mode.beat()
        queue_mode.worker(concurrency=1)
        web = queue_mode.web()

        response = httpx.post(
            f"{queue_mode.url}/hooks/{workflow.webhook_token}", json={"id": 7}, timeout=30
        )

        assert response.status_code == 201, response.text
        assert response.json() == {"id": 7}
        assert response.headers["location"] == "/people/7"
        execution = Execution.objects.get(workflow=workflow)
        # The caller has its answer; the record is still being created, on a worker.
        wait_for(lambda: server.requests, 30, what="the worker's call to the held server")
        create = Step.objects.get(execution=execution, key="create")
        reply = Step.objects.get(execution=execution, key="reply")
        assert create.status == "running"
        # The answer came from the web process's inline chain; what follows runs on a worker.
        assert reply.lease_owner.split(":")[1] == str(web.proc.pid)
        assert create.lease_owner.split(":")[1] != str(web.proc.pid)
        assert Execution.objects.get(pk=execution.pk).status == "running"
        release.set()
        wait_for(
            lambda: Execution.objects.filter(pk=execution.pk, status="succeeded").exists(),
            30,
            what="the run to finish after answering",
        )
    steps = {s.key: s for s in Step.objects.filter(execution=execution)}
    assert steps["reply"].output == {"status": 201}
    assert steps["done"].output == {"result": 200}
    assert Execution.objects.get(pk=execution.pk).answered_by == "reply"


def test_an_answer_given_on_a_worker_reaches_the_waiting_caller(queue_mode, alice):
    workflow = respond_workflow(
        alice,
        {"id": "nap", "type": "utility.delay", "config": {"seconds": 2}},
        respond(body="ready", content_type="text/plain"),
        transform("after", "status"),
    )
    queue_mode.beat()
    queue_mode.worker(concurrency=1)
    queue_mode.web()
    started = time.monotonic()
    response = httpx.post(f"{queue_mode.url}/hooks/{workflow.webhook_token}", timeout=30)
    assert response.status_code == 200, response.text
    assert response.text == "ready"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert time.monotonic() - started < 8
    execution = Execution.objects.get(workflow=workflow)
    wait_for(
        lambda: Execution.objects.filter(pk=execution.pk, status="succeeded").exists(),
        30,
        what="the run to finish",
    )
    steps = {s.key: s for s in Step.objects.filter(execution=execution)}
    assert steps["after"].output == {"result": 200}
