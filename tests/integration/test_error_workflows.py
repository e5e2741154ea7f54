"""Error workflows in queue mode: real PostgreSQL, Redis, `celery worker` and `celery beat`.

A failed run's error workflow runs exactly once, also when the worker running the failing step
is killed, and when the wake-up that should start it never reaches a worker.
"""

from __future__ import annotations

import json
import threading
import time

import pytest

from editor.models import Workflow
from executions import engine
from executions.models import Execution
from tests.engine_helpers import chain, make_workflow, recorder
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]


def http(node_id: str, url: str, **extra) -> dict:
    return {"id": node_id, "type": "action.http", "config": {"url": url}, **extra}


def alerting(owner, url: str) -> Workflow:
    """An error workflow that posts the failed execution's id to `url`."""
    return make_workflow(
        owner,
        {
            "nodes": [
                {"id": "failure", "type": "trigger.error", "config": {}},
                {
                    "id": "alert",
                    "type": "action.http",
                    "config": {
                        "url": url,
                        "method": "POST",
                        "body": {"failed": "{{ trigger.execution.id }}"},
                    },
                },
            ],
            "edges": [{"source": "failure", "target": "alert"}],
        },
        name="Alerts",
    )


def reporting_to(owner, graph: dict, target: Workflow) -> Workflow:
    workflow = make_workflow(owner, graph, name="Orders")
    workflow.error_workflow = target
    workflow.save()
    return workflow


def reported_once(failed: Execution, alerts: Workflow, server) -> Execution:
    """Wait for the error run, then long enough for a second one to start if it were going to
    (the sweep reports a failure left due after WORKFUSE_REDISPATCH_SECONDS, 3 s here)."""
    wait_for(
        lambda: alerts.executions.filter(status="succeeded").exists(),
        60,
        what="the error workflow's run",
    )
    time.sleep(5)
    [report] = alerts.executions.all()
    assert report.error_of_id == failed.pk and report.trigger_kind == "error"
    alerts_sent = [r for r in server.requests if r["path"] == "/alert"]
    assert [json.loads(r["body"]) for r in alerts_sent] == [{"failed": str(failed.pk)}]
    assert not Execution.objects.get(pk=failed.pk).error_report_due
    return report


def test_killing_the_worker_of_the_failing_step_still_reports_the_failure_once(queue_mode, alice):
    with recorder() as server:
        release = server.holds["/held"] = threading.Event()
        server.script = [(400, {}, {"error": "no"}), (400, {}, {"error": "no"})]
        alerts = alerting(alice, server.url + "/alert")
        orders = reporting_to(alice, chain(http("held", server.url + "/held")), alerts)
        queue_mode.beat()
        doomed = queue_mode.worker(concurrency=1, name="doomed")
        failed = engine.start_execution(orders)
        wait_for(
            lambda: any(r["path"] == "/held" for r in server.requests), 30, what="the held request"
        )
        doomed.kill()  # mid-step: the failure is not committed yet
        release.set()
        queue_mode.worker(concurrency=1, name="replacement")
        wait_for(
            lambda: Execution.objects.get(pk=failed.pk).status == "failed",
            60,
            what="the run to fail",
        )
        reported_once(failed, alerts, server)
        step = failed.steps.get(key="held")
        assert [a["status"] for a in step.attempts] == ["interrupted", "failed"]


def test_a_wake_up_lost_with_the_broker_is_reported_by_the_sweep_once(
    queue_mode, alice, broker_down, settings
):
    # The failure commits here, in this process, while the broker is down: the wake-up that
    # should start the error workflow is never sent. Only the mark in the database is left.
    settings.WORKFUSE_MAX_STEP_OUTPUT_BYTES = 200
    with recorder() as server:
        alerts = alerting(alice, server.url + "/alert")
        orders = reporting_to(alice, chain(http("never", server.url + "/never")), alerts)
        failed = engine.start_execution(orders, {"body": "x" * 1000})
        failed.refresh_from_db()
        assert failed.status == "failed" and failed.error_report_due
        assert "above the" in failed.error
        broker_down.recover()
        queue_mode.beat()
        queue_mode.worker(concurrency=1)
        reported_once(failed, alerts, server)
        assert not any(r["path"] == "/never" for r in server.requests)
