"""`manage.py serve` in embedded mode: one process serving HTTP with its own worker and beat."""

from __future__ import annotations

import json
import time
import urllib.request

from tests.embedded import embedded_env, manage, serving


def test_serve_answers_http_and_starts_worker_and_beat(tmp_path):
    env = embedded_env(tmp_path)
    manage(env, "migrate", "--noinput", "-v0")
    with serving(env, tmp_path / "serve.log") as server:
        body = urllib.request.urlopen(f"{server.url}/", timeout=2).read()
        assert b"Workflow automation you own" in body
        text = server.log.read_text()
        assert "Embedded worker started" in text
        assert "Embedded beat started" in text
        assert f"{server.url}/accounts/signup/" in text
        assert (tmp_path / "workfuse.sqlite3").exists()


SNIPPET_START = """
from django.contrib.auth import get_user_model
from editor.models import Workflow
from executions.engine import start_execution
user = get_user_model().objects.create_user("restart", "restart@example.com", "x")
graph = {"nodes": [{"id": "start", "type": "trigger.manual"},
                   {"id": "double", "type": "utility.transform",
                    "config": {"language": "template", "expression": "{{ trigger.n * 2 }}"}}],
         "edges": [{"source": "start", "target": "double"}]}
execution = start_execution(Workflow.create(user, "restart", graph=graph), {"n": 21})
print(execution.pk)
"""


def test_a_restarted_process_resumes_unfinished_executions_from_the_database(tmp_path):
    env = embedded_env(tmp_path)
    manage(env, "migrate", "--noinput", "-v0")
    # A process that started a run and died before its worker took it: the dispatch was in
    # the in-memory broker, so only the database knows the run exists.
    execution_id = manage(env, "shell", "-c", SNIPPET_START)
    status = f"from executions.models import Execution as E; print(E.objects.get(pk='{execution_id}').status)"
    assert manage(env, "shell", "-c", status) == "running"
    with serving(env, tmp_path / "serve.log", wait=False):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and manage(env, "shell", "-c", status) != "succeeded":
            time.sleep(0.5)
        assert manage(env, "shell", "-c", status) == "succeeded"
        output = "from executions.models import Step; print(Step.objects.get(key='double').output)"
        assert manage(env, "shell", "-c", output) == "{'result': 42}"
        assert "Resumed 1 unfinished step(s)" in (tmp_path / "serve.log").read_text()


# --- respond: a webhook answered by a logic.respond node, in embedded mode ---

SNIPPET_RESPOND = """
from django.contrib.auth import get_user_model
from editor.models import Workflow
user = get_user_model().objects.create_user("respond", "respond@example.com", "x")
hook = {"id": "hook", "type": "trigger.webhook", "config": {"response": "respond_node"}}
reply = {"id": "reply", "type": "logic.respond",
         "config": {"status": 201, "body": {"n": "{{ trigger.body.n }}"}}}
def nap(seconds):
    return {"id": "nap", "type": "utility.delay", "config": {"seconds": seconds}}
def make(name, first, second):
    graph = {"nodes": [hook, first, second],
             "edges": [{"source": "hook", "target": first["id"]},
                       {"source": first["id"], "target": second["id"]}]}
    workflow = Workflow.create(user, name, graph=graph)
    workflow.is_active = True
    workflow.save()
    return workflow.webhook_token
print(make("answer-then-wait", reply, nap(5)), make("wait-then-answer", nap(2), reply))
"""


def _post_json(url: str, body: dict) -> tuple[int, bytes, float]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read(), time.monotonic() - started


def test_serve_answers_a_webhook_from_its_respond_node_and_the_run_goes_on(tmp_path):
    env = embedded_env(tmp_path)
    manage(env, "migrate", "--noinput", "-v0")
    answer_first, wait_first = manage(env, "shell", "-c", SNIPPET_RESPOND).split()
    statuses = (
        "from executions.models import Execution as E; "
        "print(sorted((e.workflow.name, e.status, e.answered_by) for e in E.objects.all()))"
    )
    with serving(env, tmp_path / "serve.log") as server:
        base = f"{server.url}/hooks/"
        # Answered before the 5 s delay that follows the respond node, which still waits.
        status, body, took = _post_json(base + answer_first, {"n": 1})
        assert (status, json.loads(body)) == (201, {"n": 1})
        assert took < 1.5
        assert manage(env, "shell", "-c", statuses) == str(
            [("answer-then-wait", "running", "reply")]
        )
        # Answered by a worker thread once the delay before the respond node is over.
        status, body, took = _post_json(base + wait_first, {"n": 2})
        assert (status, json.loads(body)) == (201, {"n": 2})
        assert 2 <= took < 6
        deadline = time.monotonic() + 15
        expected = str(
            [("answer-then-wait", "succeeded", "reply"), ("wait-then-answer", "succeeded", "reply")]
        )
        while manage(env, "shell", "-c", statuses) != expected:
            assert time.monotonic() < deadline, manage(env, "shell", "-c", statuses)
            time.sleep(0.5)
