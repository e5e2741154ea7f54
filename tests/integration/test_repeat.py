"""`logic.repeat` in queue mode: real PostgreSQL, Redis, celery workers and beat. A worker killed
in the middle of a round repeats no finished round, and the repeat still finishes, its delay
between rounds woken by beat's sweep."""

from __future__ import annotations

import threading

import pytest

from executions import engine
from executions.models import Execution, Step
from tests.engine_helpers import make_workflow, recorder
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]


def test_a_worker_killed_mid_round_repeats_no_finished_round_and_the_repeat_finishes(
    queue_mode, alice
):
    with recorder() as server:
        release = server.holds["/poll/1"] = threading.Event()
        until = {
            "rules": [
                {"left": "{{ last.body.ok }}", "operator": "eq", "right": True},
                {"left": "{{ iteration }}", "operator": "gte", "right": 2},
            ]
        }
        graph = {
            "nodes": [
                {"id": "start", "type": "trigger.manual"},
                {
                    "id": "again",
                    "type": "logic.repeat",
                    "config": {"until": until, "delay_seconds": 1, "max_iterations": 5},
                },
                {
                    "id": "poll",
                    "type": "action.http",
                    "config": {"url": server.url + "/poll/{{ iteration }}"},
                },
                {"id": "after", "type": "action.http", "config": {"url": server.url + "/after"}},
            ],
            "edges": [
                {"source": "start", "target": "again"},
                {"source": "again", "source_handle": "body", "target": "poll"},
                {"source": "again", "source_handle": "done", "target": "after"},
            ],
        }
        queue_mode.beat()
        doomed = queue_mode.worker(concurrency=1, name="doomed")
        execution = engine.start_execution(make_workflow(alice, graph))
        wait_for(
            lambda: any(r["path"] == "/poll/1" for r in server.requests),
            30,
            what="round 1's request",
        )
        doomed.kill()
        release.set()  # from now on /poll/1 answers at once
        queue_mode.worker(concurrency=1, name="replacement")
        wait_for(
            lambda: Execution.objects.get(pk=execution.pk).is_finished,
            60,
            what="the execution to finish",
        )
        execution.refresh_from_db()
        assert execution.status == "succeeded", execution.error
        paths = [r["path"] for r in server.requests]
        assert paths.count("/poll/0") == 1
        assert 1 <= paths.count("/poll/1") <= 2
        assert paths.count("/poll/2") == 1
        assert paths.count("/after") == 1
        keys = {r["headers"]["Idempotency-Key"] for r in server.requests if r["path"] == "/poll/1"}
        assert keys == {f"{execution.pk}:poll[1]"}
        steps = {s.key: s for s in execution.steps.all()}
        assert set(steps) == {"start", "again", "poll[0]", "poll[1]", "poll[2]", "after"}
        assert "interrupted" in [a["status"] for a in steps["poll[1]"].attempts]
        assert steps["poll[0]"].attempt == steps["poll[2]"].attempt == 1
        assert steps["again"].handles == ["done"]
        assert steps["again"].output["iterations"] == 3
        assert Step.objects.filter(execution=execution, status="succeeded").count() == 6
