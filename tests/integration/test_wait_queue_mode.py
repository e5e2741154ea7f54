"""utility.wait with real parts: a wait holds no worker, so the worker that ran the steps before
it may die while it waits; a call to its resume URL, through the web server (uvicorn), wakes it
on whichever worker runs now, and the run finishes once."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from executions import engine
from executions.models import Execution, Step
from tests.engine_helpers import chain, make_workflow, recorder
from tests.integration.conftest import wait_for
from tests.integration.test_durability import finished, http

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]


def notify(url: str) -> dict:
    body = {"link": "{{ execution.resume_url }}"}
    return {
        "id": "notify",
        "type": "action.http",
        "config": {"method": "POST", "url": url, "body_type": "json", "body": body},
    }


def waiting(execution: Execution) -> bool:
    return Step.objects.filter(execution=execution, key="wait", status="waiting").exists()


def start_services(queue_mode):
    """The web server first: the workers make links on its address."""
    queue_mode.web()
    queue_mode.env["SITE_URL"] = queue_mode.url
    queue_mode.beat()
    return queue_mode.worker(concurrency=1, name="first")


def test_a_wait_is_resumed_by_its_url_after_the_worker_was_restarted(queue_mode, alice):
    with recorder() as server:
        first = start_services(queue_mode)
        wait = {"id": "wait", "type": "utility.wait", "config": {"timeout_seconds": 3600}}
        graph = chain(notify(server.url + "/notify"), wait, http("after", server.url + "/after"))
        execution = engine.start_execution(make_workflow(alice, graph))
        wait_for(lambda: waiting(execution), 30, what="the wait to start waiting")
        link = json.loads(server.requests[0]["body"])["link"]
        assert link.startswith(queue_mode.url + "/hooks/resume/")

        first.kill()  # nothing of the wait lives in a worker
        queue_mode.worker(concurrency=1, name="second")
        response = httpx.post(link, json={"job": "done"}, headers={"Accept": "application/json"})
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "resumed"

        execution = finished(execution, 60)
        assert execution.status == "succeeded", execution.error
        assert [r["path"] for r in server.requests] == ["/notify", "/after"]
        step = Step.objects.get(execution=execution, key="wait")
        assert step.handles == ["main"]
        assert step.output["body"] == {"job": "done"}
        again = httpx.post(link, headers={"Accept": "application/json"})
        assert again.status_code == 409
        assert again.json()["code"] == "already_used"


def test_an_approval_form_served_by_the_web_server_resumes_the_run(queue_mode, alice):
    with recorder() as server:
        start_services(queue_mode)
        wait = {
            "id": "wait",
            "type": "utility.wait",
            "config": {"mode": "approval", "title": "Ship order {{ trigger.order }}?"},
        }
        graph = chain(notify(server.url + "/notify"), wait, http("after", server.url + "/after"))
        execution = engine.start_execution(make_workflow(alice, graph), {"order": 5})
        wait_for(lambda: waiting(execution), 30, what="the wait to start waiting")
        link = json.loads(server.requests[0]["body"])["link"]

        with httpx.Client(headers={"Accept": "text/html"}) as browser:
            page = browser.get(link)
            assert page.status_code == 200
            assert "Ship order 5?" in page.text
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
            answer = browser.post(
                link,
                data={"decision": "approve", "name": "Grace", "csrfmiddlewaretoken": token},
            )
        assert answer.status_code == 200
        assert "Approved" in answer.text

        execution = finished(execution, 60)
        assert execution.status == "succeeded", execution.error
        output = Step.objects.get(execution=execution, key="wait").output
        assert (output["approved"], output["by"]) == (True, "Grace")
