"""action.agent in queue mode (real PostgreSQL, Redis, celery worker and beat processes): a worker
killed with kill -9 in the middle of a tool call loses nothing, and the agent goes on in another
worker without repeating a finished model turn or tool call (counted at the fake servers)."""

from __future__ import annotations

import threading

import pytest

from executions import engine
from executions.models import AgentEvent, Step
from tests.engine_helpers import chain, make_workflow, recorder
from tests.fake_ai_server import Reply, fake_ai_server
from tests.integration.conftest import wait_for
from tests.integration.test_durability import finished

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]


def test_kill_9_during_a_tool_call_resumes_without_repeating_finished_calls(queue_mode, alice):
    with fake_ai_server() as ai, recorder() as api:
        release = api.holds["/held"] = threading.Event()
        queue_mode.env.update(
            {"OPENAI_BASE_URL": ai.openai_url, "OPENAI_API_KEY": "sk-test-0123456789abcdef"}
        )
        tools = [
            {"type": "http", "name": "first", "url": f"{api.url}/first"},
            {"type": "http", "name": "held", "url": f"{api.url}/held"},
        ]
        ai.script(
            "openai",
            Reply(tool_calls=[("first", {}), ("held", {})]),
            Reply(text="Both done"),
        )
        node = {
            "id": "agent",
            "type": "action.agent",
            "config": {"model": "gpt-4o-mini", "prompt": "Do both", "tools": tools},
        }
        queue_mode.beat()
        doomed = queue_mode.worker(concurrency=1, name="doomed")
        execution = engine.start_execution(make_workflow(alice, chain(node)))
        wait_for(
            lambda: any(r["path"] == "/held" for r in api.requests), 30, what="the held tool call"
        )
        doomed.kill()  # kill -9 while the second tool call is in flight
        release.set()
        queue_mode.worker(concurrency=1, name="replacement")
        execution = finished(execution, 60)
        step = Step.objects.get(execution=execution, key="agent")
        assert execution.status == "succeeded", execution.error
        assert step.output["response"] == "Both done"

        # The model turn before the kill was not asked again; the finished tool call was not
        # repeated; the interrupted one ran again (at least once, with the same idempotency key).
        assert len(ai.requests_for("openai")) == 2
        paths = [r["path"] for r in api.requests]
        assert paths.count("/first") == 1
        assert 1 <= paths.count("/held") <= 2
        keys = {r["headers"].get("Idempotency-Key") for r in api.requests if r["path"] == "/held"}
        assert len(keys) == 1
        labels = [
            e.label
            for e in AgentEvent.objects.filter(execution=execution)
            .exclude(kind="start")
            .order_by("seq")
        ]
        assert labels == [
            "agent[turn:1]",
            "agent[tool:2:first]",
            "agent[tool:3:held]",
            "agent[turn:4]",
        ]
        assert "interrupted" in [a["status"] for a in step.attempts]
