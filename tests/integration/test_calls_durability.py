"""Sub-workflows in queue mode (real PostgreSQL, Redis, celery worker and beat processes): a
calling step waits without a worker, and a worker killed while the called run works loses
nothing and repeats no finished step."""

from __future__ import annotations

import threading

import pytest

from executions import engine
from executions.models import Execution, Step
from tests.call_helpers import called
from tests.engine_helpers import make_workflow, recorder
from tests.integration.conftest import wait_for
from tests.integration.test_durability import finished, http

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]


def test_a_parent_waiting_on_a_child_survives_a_killed_worker_and_finishes_once(queue_mode, alice):
    with recorder() as server:
        release = server.holds["/held"] = threading.Event()
        child_workflow = make_workflow(
            alice,
            called(
                [{"name": "order", "type": "number", "required": True}],
                http("held", server.url + "/held"),
                {
                    "id": "total",
                    "type": "utility.transform",
                    "config": {"language": "template", "expression": "{{ trigger.order * 2 }}"},
                },
            ),
            name="Child",
        )
        graph = {
            "nodes": [
                {"id": "start", "type": "trigger.manual"},
                {
                    "id": "call",
                    "type": "action.workflow",
                    "config": {"workflow": child_workflow.pk, "inputs": {"order": "21"}},
                },
                http("after", server.url + "/after"),
            ],
            "edges": [
                {"source": "start", "target": "call"},
                {"source": "call", "target": "after"},
            ],
        }
        queue_mode.beat()
        doomed = queue_mode.worker(concurrency=1, name="doomed")
        parent = engine.start_execution(make_workflow(alice, graph, name="Parent"))
        wait_for(
            lambda: any(r["path"] == "/held" for r in server.requests), 30, what="the held request"
        )
        # The parent's step waits for the child and holds no worker: the only worker is busy
        # with the child's step.
        call = Step.objects.get(execution=parent, key="call")
        assert call.status == "waiting" and call.lease_expires_at is None
        doomed.kill()
        release.set()
        queue_mode.worker(concurrency=1, name="replacement")
        parent = finished(parent, 60)
        assert parent.status == "succeeded", parent.error

        child = Execution.objects.get(parent=parent)  # started once
        assert child.status == "succeeded"
        assert Execution.objects.filter(workflow=child_workflow).count() == 1
        held = Step.objects.get(execution=child, key="held")
        assert "interrupted" in [a["status"] for a in held.attempts]
        paths = [r["path"] for r in server.requests]
        assert 1 <= paths.count("/held") <= 2 and paths.count("/after") == 1
        call = Step.objects.get(execution=parent, key="call")
        assert call.output == {
            "execution_id": str(child.pk),
            "status": "succeeded",
            "output": {"result": 42},
        }
        # Finished once: one attempt recorded, run twice (the call, then its wake-up).
        assert [a["status"] for a in call.attempts] == ["succeeded"]
        assert call.attempt == 2
