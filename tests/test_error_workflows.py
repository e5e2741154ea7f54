"""Error workflows and logic.stop in the engine (eager: Celery tasks run in-process on commit;
time moves by calling the sweep with a later `now`)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from editor.gallery import TEMPLATES
from editor.models import Workflow
from executions import dispatch, engine
from executions.models import Execution, Step
from tests.engine_helpers import chain, make_workflow, recorder, steps_by_key, transform

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def private_targets(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True


def later(seconds: float):
    return timezone.now() + timedelta(seconds=seconds)


def stop(node_id: str = "stop", message: str = "Stopped.", code: str = "", **extra) -> dict:
    return {
        "id": node_id,
        "type": "logic.stop",
        "label": "Refuse the order",
        "config": {"message": message, "code": code},
        **extra,
    }


def error_workflow(owner, *nodes: dict, name: str = "Alerts") -> Workflow:
    """trigger.error followed by `nodes` in a line (a transform reading the payload by default)."""
    nodes = nodes or (transform("seen", "execution.failed_node.id"),)
    graph = chain(*nodes)
    graph["nodes"][0] = {"id": "failure", "type": "trigger.error", "config": {}}
    for edge in graph["edges"]:
        if edge["source"] == "start":
            edge["source"] = "failure"
    return make_workflow(owner, graph, name=name)


def reporting_to(owner, graph: dict, target: Workflow, name: str = "Orders") -> Workflow:
    workflow = make_workflow(owner, graph, name=name)
    workflow.error_workflow = target
    workflow.save()
    return workflow


def run(workflow: Workflow, payload=None) -> Execution:
    execution = engine.start_execution(workflow, payload)
    execution.refresh_from_db()
    return execution


def runs_of(workflow: Workflow) -> list[Execution]:
    return list(workflow.executions.order_by("created_at"))


# --- logic.stop ------------------------------------------------------------------------------


def test_stop_fails_the_run_with_its_message_and_code_and_is_never_retried(alice):
    graph = chain(
        transform("check"),
        stop(
            message="Order {{ trigger.id }} has no total",
            code="MISSING_TOTAL",
            retry={"max_attempts": 5, "initial_delay_ms": 10},
        ),
    )
    execution = run(make_workflow(alice, graph), {"id": 7})
    assert execution.status == "failed"
    assert execution.error == "Step 'stop' failed: Order 7 has no total (code MISSING_TOTAL)"
    step = Step.objects.get(execution=execution, key="stop")
    assert (step.status, step.attempt, step.error_handled) == ("failed", 1, False)
    assert [a["status"] for a in step.attempts] == ["failed"]
    assert step.attempts[0]["retryable"] is False
    assert step.wake_at is None
    engine.sweep(now=later(60))  # nothing waits for another attempt
    assert Step.objects.get(pk=step.pk).attempt == 1


def test_stop_on_one_branch_fails_the_run_and_cancels_what_waits(alice):
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual"},
            {"id": "slow", "type": "utility.delay", "config": {"seconds": 60}},
            stop(message="No."),
        ],
        "edges": [{"source": "start", "target": "slow"}, {"source": "start", "target": "stop"}],
    }
    execution = run(make_workflow(alice, graph))
    assert execution.status == "failed"
    assert execution.error == "Step 'stop' failed: No."
    assert steps_by_key(execution)["slow"].status == "cancelled"


# --- error workflows -------------------------------------------------------------------------


def test_a_failed_run_starts_its_error_workflow_once_with_what_failed(alice):
    alerts = error_workflow(alice)
    assert not alerts.is_active  # an error workflow need not be active
    orders = reporting_to(alice, chain(transform("check"), stop(code="E42")), alerts)
    failed = run(orders, {"id": 1})
    assert failed.status == "failed"

    [report] = runs_of(alerts)
    assert (report.status, report.trigger_kind, report.error_of_id) == (
        "succeeded",
        "error",
        failed.pk,
    )
    assert report.trigger_node == "failure"
    expected = {
        "workflow": {"id": orders.pk, "name": "Orders"},
        "execution": {
            "id": str(failed.pk),
            "url": f"{settings.SITE_URL}/executions/{failed.pk}/",
            "error": "Step 'stop' failed: Stopped. (code E42)",
            "failed_node": {
                "id": "stop",
                "key": "stop",
                "type": "logic.stop",
                "label": "Refuse the order",
                "error": "Stopped. (code E42)",
            },
            "trigger": {"kind": "manual", "node": "start"},
        },
    }
    steps = steps_by_key(report)
    assert steps["failure"].output == expected
    assert steps["seen"].output == {"result": "stop"}
    assert not Execution.objects.get(pk=failed.pk).error_report_due

    # Whoever reports again (the sweep, a duplicate message) finds nothing due.
    assert engine.report_failure(failed.pk) is None
    engine.sweep(now=later(3600))
    assert len(runs_of(alerts)) == 1


def test_the_error_workflow_starts_only_after_the_last_attempt(alice):
    alerts = error_workflow(alice)
    with recorder() as server:
        server.script = [(503, {}, {}), (503, {}, {})]
        call = {
            "id": "call",
            "type": "action.http",
            "config": {"url": server.url},
            "retry": {"max_attempts": 2, "initial_delay_ms": 1000},
        }
        failed = run(reporting_to(alice, chain(call), alerts))
        assert failed.status == "running"  # waiting for its second attempt
        assert runs_of(alerts) == []
        engine.sweep(now=later(5))
    failed.refresh_from_db()
    assert failed.status == "failed"
    [report] = runs_of(alerts)
    output = steps_by_key(report)["failure"].output
    assert "HTTP 503" in output["execution"]["failed_node"]["error"]


def test_a_cancelled_run_starts_no_error_workflow(alice):
    alerts = error_workflow(alice)
    graph = chain({"id": "wait", "type": "utility.delay", "config": {"seconds": 60}})
    execution = run(reporting_to(alice, graph, alerts))
    engine.cancel(execution)
    engine.sweep(now=later(3600))
    assert Execution.objects.get(pk=execution.pk).status == "cancelled"
    assert runs_of(alerts) == []


def test_a_succeeded_run_or_one_without_an_error_workflow_reports_nothing(alice):
    alerts = error_workflow(alice)
    assert run(reporting_to(alice, chain(transform("ok")), alerts)).status == "succeeded"
    assert run(make_workflow(alice, chain(stop()))).status == "failed"
    assert runs_of(alerts) == []


def test_an_error_workflows_own_failure_starts_no_other(alice):
    # The error workflow fails too, and names itself: its failure must not start it again.
    alerts = error_workflow(alice, stop(message="Alerting is down"))
    alerts.error_workflow = alerts
    alerts.save()
    failed = run(reporting_to(alice, chain(stop()), alerts))
    [report] = runs_of(alerts)
    assert report.status == "failed"
    assert not report.error_report_due
    # Nor does a replay of it, which starts at the error trigger as well.
    replayed = engine.replay(report)
    replayed.refresh_from_db()
    assert replayed.status == "failed"
    engine.sweep(now=later(3600))
    assert [r.pk for r in runs_of(alerts)] == [report.pk, replayed.pk]
    assert Execution.objects.get(pk=failed.pk).error_runs.get() == report


def test_each_failure_of_a_retried_run_is_reported(alice):
    alerts = error_workflow(alice)
    with recorder() as server:
        server.script = [(400, {}, {}), (400, {}, {})]
        graph = chain({"id": "call", "type": "action.http", "config": {"url": server.url}})
        failed = run(reporting_to(alice, graph, alerts))
        engine.retry(failed)
    assert Execution.objects.get(pk=failed.pk).status == "failed"
    assert [r.error_of_id for r in runs_of(alerts)] == [failed.pk, failed.pk]


def test_a_lost_wake_up_is_reported_by_the_sweep_once(alice, monkeypatch):
    alerts = error_workflow(alice)
    # The process stops right after the failure commits: its wake-up is never sent.
    monkeypatch.setattr(dispatch, "send_error_report", lambda execution_id: None)
    failed = run(reporting_to(alice, chain(stop()), alerts))
    assert Execution.objects.get(pk=failed.pk).error_report_due
    engine.sweep()  # too recent: its wake-up may still be on the way
    assert runs_of(alerts) == []
    assert engine.sweep(now=later(settings.WORKFUSE_REDISPATCH_SECONDS + 1))["reported"] == 1
    assert engine.sweep(now=later(3600))["reported"] == 0
    [report] = runs_of(alerts)
    assert report.error_of_id == failed.pk and report.status == "succeeded"


def test_an_error_workflow_that_cannot_start_says_so_on_the_failed_run(alice):
    alerts = error_workflow(alice)
    failing = reporting_to(alice, chain(stop(message="Bad input")), alerts)
    alerts.save_graph(chain(transform("no_error_trigger")), user=alice)
    failed = run(failing)
    assert failed.error == (
        "Step 'stop' failed: Bad input\n"
        "Its error workflow “Alerts” did not start: it has no error trigger (trigger.error) any more."
    )
    assert not failed.error_report_due
    assert runs_of(alerts) == []


def test_deleting_the_error_workflow_clears_the_setting(alice):
    alerts = error_workflow(alice)
    orders = reporting_to(alice, chain(stop()), alerts)
    alerts.delete()
    orders.refresh_from_db()
    assert orders.error_workflow is None
    assert run(orders).status == "failed"


def test_a_manual_run_of_an_error_workflow_gets_the_payload_it_is_given(alice):
    alerts = error_workflow(alice)
    report = run(alerts, {"execution": {"failed_node": {"id": "by_hand"}}})
    assert report.trigger_node == "failure"
    assert steps_by_key(report)["seen"].output == {"result": "by_hand"}


# --- the gallery's "Alert me when a workflow fails" ------------------------------------------


def test_the_alert_template_posts_a_slack_style_message_about_the_failure(alice):
    with recorder() as slack:
        graph = json.loads(
            json.dumps(TEMPLATES["alert-on-failure"].new_graph()).replace(
                "https://hooks.example.com/alerts", slack.url + "/hook"
            )
        )
        alerts = make_workflow(alice, graph, name="Alert me")
        failed = run(reporting_to(alice, chain(stop(message="Out of stock")), alerts))
        [report] = runs_of(alerts)
        assert report.status == "succeeded", report.error
        [request] = slack.requests
    assert request["path"] == "/hook"
    message = json.loads(request["body"])
    assert set(message) == {"text"}
    text = message["text"]
    assert "Orders" in text
    assert "Step 'stop' failed: Out of stock" in text
    assert "Refuse the order" in text
    assert f"{settings.SITE_URL}/executions/{failed.pk}/" in text


def test_deleting_the_failed_workflow_keeps_the_error_run(alice):
    alerts = error_workflow(alice)
    orders = reporting_to(alice, chain(stop()), alerts)
    run(orders)
    orders.delete()
    [report] = runs_of(alerts)
    assert report.error_of_id is None
    assert steps_by_key(report)["failure"].output["workflow"]["name"] == "Orders"


def test_a_failure_retried_into_success_before_its_report_is_not_reported(alice, monkeypatch):
    alerts = error_workflow(alice)
    monkeypatch.setattr(dispatch, "send_error_report", lambda execution_id: None)
    with recorder() as server:
        server.script = [(400, {}, {})]
        graph = chain({"id": "call", "type": "action.http", "config": {"url": server.url}})
        failed = run(reporting_to(alice, graph, alerts))
        engine.retry(failed)  # the second attempt succeeds
    assert Execution.objects.get(pk=failed.pk).status == "succeeded"
    assert engine.sweep(now=later(3600))["reported"] == 0
    assert runs_of(alerts) == []
    assert not Execution.objects.get(pk=failed.pk).error_report_due
