"""The engine end to end in one process: Celery tasks run eagerly on commit; time is moved
forward by calling the sweep with a later `now`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from executions import engine
from executions.models import Execution, Step
from tests.engine_helpers import chain, make_workflow, recorder, steps_by_key, transform

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def private_targets(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True


def run(workflow, payload=None) -> Execution:
    execution = engine.start_execution(workflow, payload)
    execution.refresh_from_db()
    return execution


def later(seconds: float):
    return timezone.now() + timedelta(seconds=seconds)


def test_linear_workflow_runs_every_step_with_templates(alice):
    graph = chain(
        transform("pick", "order.lines[].qty"),
        {
            "id": "total",
            "type": "utility.transform",
            "config": {"language": "template", "expression": "{{ nodes.pick.result | sum }}"},
        },
    )
    execution = run(make_workflow(alice, graph), {"order": {"lines": [{"qty": 2}, {"qty": 5}]}})
    assert execution.status == "succeeded"
    steps = steps_by_key(execution)
    assert steps["start"].output == {"order": {"lines": [{"qty": 2}, {"qty": 5}]}}
    assert steps["pick"].output == {"result": [2, 5]}
    assert steps["total"].output == {"result": 7}
    assert steps["total"].input["expression"] == 7  # the rendered config is what the step stores
    assert all(s.attempt == 1 for s in steps.values())
    assert execution.finished_at >= execution.started_at


def test_condition_routes_and_skips_propagate(alice):
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual"},
            {
                "id": "big",
                "type": "logic.condition",
                "config": {
                    "rules": [{"left": "{{ trigger.total }}", "operator": "gt", "right": 100}]
                },
            },
            transform("vip"),
            transform("normal"),
            transform("after_normal"),
            {"id": "join", "type": "utility.merge", "config": {}},
        ],
        "edges": [
            {"source": "start", "target": "big"},
            {"source": "big", "source_handle": "true", "target": "vip"},
            {"source": "big", "source_handle": "false", "target": "normal"},
            {"source": "normal", "target": "after_normal"},
            {"source": "vip", "target": "join"},
            {"source": "after_normal", "target": "join"},
        ],
    }
    workflow = make_workflow(alice, graph)
    steps = steps_by_key(run(workflow, {"total": 250}))
    assert [steps[k].status for k in ("vip", "normal", "after_normal", "join")] == [
        "succeeded",
        "skipped",
        "skipped",
        "succeeded",
    ]
    assert steps["join"].output == {"inputs": {"vip": {"result": {"result": True}}}}
    steps = steps_by_key(run(workflow, {"total": "12"}))
    assert [steps[k].status for k in ("vip", "normal", "after_normal")] == [
        "skipped",
        "succeeded",
        "succeeded",
    ]


def test_loop_runs_the_body_per_item_and_collects_results(alice):
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual"},
            {
                "id": "each",
                "type": "logic.loop",
                "config": {"items": "{{ trigger.names }}", "concurrency": 2},
            },
            {
                "id": "greet",
                "type": "utility.transform",
                "config": {
                    "language": "template",
                    "expression": "{{ 'Hi ' ~ item ~ ' #' ~ index }}",
                },
            },
            {
                "id": "shout",
                "type": "utility.transform",
                "config": {
                    "language": "template",
                    "expression": "{{ nodes.greet.result | upper }}",
                },
            },
            transform("after", "results"),
        ],
        "edges": [
            {"source": "start", "target": "each"},
            {"source": "each", "source_handle": "each", "target": "greet"},
            {"source": "greet", "target": "shout"},
            {"source": "each", "source_handle": "done", "target": "after"},
        ],
    }
    execution = run(make_workflow(alice, graph), {"names": ["ada", "bob", "cy"]})
    assert execution.status == "succeeded", execution.error
    steps = steps_by_key(execution)
    assert steps["greet[1]"].output == {"result": "Hi bob #1"}
    assert steps["each"].output == {
        "results": [{"result": "HI ADA #0"}, {"result": "HI BOB #1"}, {"result": "HI CY #2"}]
    }
    assert steps["after"].output == {
        "result": [{"result": "HI ADA #0"}, {"result": "HI BOB #1"}, {"result": "HI CY #2"}]
    }


# --- repeat: a body's last steps are those directly in it ---
def test_a_loop_whose_body_ends_in_a_nested_loop_collects_its_results(alice):
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual"},
            {"id": "outer", "type": "logic.loop", "config": {"items": "{{ trigger.rows }}"}},
            {"id": "inner", "type": "logic.loop", "config": {"items": "{{ item }}"}},
            {
                "id": "double",
                "type": "utility.transform",
                "config": {"language": "template", "expression": "{{ item * 2 }}"},
            },
        ],
        "edges": [
            {"source": "start", "target": "outer"},
            {"source": "outer", "source_handle": "each", "target": "inner"},
            {"source": "inner", "source_handle": "each", "target": "double"},
        ],
    }
    execution = run(make_workflow(alice, graph), {"rows": [[1, 2], [3]]})
    assert execution.status == "succeeded", execution.error
    assert steps_by_key(execution)["outer"].output == {
        "results": [
            {"results": [{"result": 2}, {"result": 4}]},
            {"results": [{"result": 6}]},
        ]
    }


# --- end repeat ---


def test_loop_over_something_that_is_not_a_list_fails_clearly(alice):
    graph = chain({"id": "each", "type": "logic.loop", "config": {"items": "{{ trigger.n }}"}})
    execution = run(make_workflow(alice, graph), {"n": 3})
    assert execution.status == "failed"
    assert "items must be a list; the template gave int" in execution.error


def test_delay_waits_without_a_worker_then_resumes_on_the_sweep(alice):
    graph = chain(
        {"id": "wait", "type": "utility.delay", "config": {"seconds": 3600}}, transform("after")
    )
    execution = run(make_workflow(alice, graph))
    wait = Step.objects.get(execution=execution, key="wait")
    assert (execution.status, wait.status) == ("running", "waiting")
    assert wait.wake_at > later(3590)
    assert engine.sweep(now=later(60))["woken"] == 0
    assert engine.sweep(now=later(3601))["woken"] == 1
    execution.refresh_from_db()
    assert execution.status == "succeeded"
    assert Step.objects.get(execution=execution, key="wait").output["waited_ms"] >= 0


def test_a_waiting_step_woken_from_outside_runs_again_at_once(alice):
    graph = chain(
        {"id": "wait", "type": "utility.delay", "config": {"seconds": 3600}}, transform("after")
    )
    execution = run(make_workflow(alice, graph))
    assert engine.wake(execution.pk, "after") is False  # not waiting: nothing happens
    assert engine.wake(execution.pk, "wait") is True
    execution.refresh_from_db()
    assert execution.status == "succeeded"
    wait = Step.objects.get(execution=execution, key="wait")
    assert wait.attempt == 2 and wait.status == "succeeded"
    assert engine.wake(execution.pk, "wait") is False  # woken once only


def test_a_step_woken_while_its_execution_is_paused_runs_when_it_resumes(alice):
    graph = chain({"id": "wait", "type": "utility.delay", "config": {"seconds": 3600}})
    execution = run(make_workflow(alice, graph))
    engine.pause(execution)
    assert engine.wake(execution.pk, "wait") is True
    assert Step.objects.get(execution=execution, key="wait").status == "waiting"
    engine.resume(execution)
    engine.sweep(now=later(1))
    execution.refresh_from_db()
    assert execution.status == "succeeded"


def test_delay_until_a_past_moment_continues_at_once(alice):
    graph = chain(
        {"id": "wait", "type": "utility.delay", "config": {"until": "2020-01-01T00:00:00Z"}}
    )
    assert run(make_workflow(alice, graph)).status == "succeeded"


def test_retryable_failures_back_off_and_succeed_recording_every_attempt(alice):
    with recorder() as server:
        server.script = [(503, {}, {"error": "busy"}), (503, {}, {"error": "busy"})]
        graph = chain(
            {
                "id": "call",
                "type": "action.http",
                "config": {"url": server.url + "/x"},
                "retry": {"max_attempts": 3, "initial_delay_ms": 1000, "multiplier": 2},
            }
        )
        execution = run(make_workflow(alice, graph))
        step = Step.objects.get(execution=execution, key="call")
        assert step.status == "waiting"
        first_wait = (step.wake_at - timezone.now()).total_seconds()
        assert 0.7 < first_wait <= 1.2
        engine.sweep(now=step.wake_at)
        step.refresh_from_db()
        second_wait = (step.wake_at - timezone.now()).total_seconds()
        assert 1.5 < second_wait <= 2.4
        engine.sweep(now=step.wake_at)
        step.refresh_from_db()
        execution.refresh_from_db()
        assert execution.status == "succeeded"
        assert [a["status"] for a in step.attempts] == ["failed", "failed", "succeeded"]
        assert step.attempt == 3
        keys = {r["headers"]["Idempotency-Key"] for r in server.requests}
        assert keys == {f"{execution.id}:call"}


def test_non_retryable_failure_fails_at_once(alice):
    with recorder() as server:
        server.script = [(400, {}, {"error": "bad"})]
        graph = chain(
            {"id": "call", "type": "action.http", "config": {"url": server.url}}, transform("after")
        )
        execution = run(make_workflow(alice, graph))
        assert execution.status == "failed"
        assert "HTTP 400" in execution.error
        step = Step.objects.get(execution=execution, key="call")
        assert (step.status, step.attempt, len(server.requests)) == ("failed", 1, 1)
        assert not Step.objects.filter(execution=execution, key="after").exists()


def test_retry_after_is_honoured(alice):
    with recorder() as server:
        server.script = [(429, {"Retry-After": "120"}, {})]
        graph = chain(
            {
                "id": "call",
                "type": "action.http",
                "config": {"url": server.url},
                "retry": {"max_attempts": 2, "initial_delay_ms": 10, "max_delay_ms": 20},
            }
        )
        execution = run(make_workflow(alice, graph))
        step = Step.objects.get(execution=execution, key="call")
        assert (step.wake_at - timezone.now()).total_seconds() > 115


def test_on_error_continue_and_route(alice):
    with recorder() as server:
        server.script = [(404, {}, {}), (404, {}, {})]
        bad = {
            "id": "call",
            "type": "action.http",
            "config": {"url": server.url},
            "on_error": "continue",
        }
        execution = run(make_workflow(alice, chain(bad, transform("after", "error"))))
        steps = steps_by_key(execution)
        assert execution.status == "succeeded"
        assert steps["call"].status == "failed"
        assert "HTTP 404" in steps["after"].output["result"]

        graph = {
            "nodes": [
                {"id": "start", "type": "trigger.manual"},
                {**bad, "on_error": "route"},
                transform("ok"),
                transform("handle_error", "error"),
            ],
            "edges": [
                {"source": "start", "target": "call"},
                {"source": "call", "target": "ok"},
                {"source": "call", "source_handle": "error", "target": "handle_error"},
            ],
        }
        steps = steps_by_key(run(make_workflow(alice, graph)))
        assert steps["ok"].status == "skipped"
        assert steps["handle_error"].status == "succeeded"


def test_missing_template_variable_fails_naming_it(alice):
    graph = chain(
        {
            "id": "t",
            "type": "utility.transform",
            "config": {"language": "template", "expression": "{{ trigger.customer.email }}"},
        }
    )
    execution = run(make_workflow(alice, graph), {"customer": {}})
    assert execution.status == "failed"
    assert "'trigger.customer.email' is undefined" in execution.error
    assert Step.objects.get(execution=execution, key="t").attempt == 1  # not retried


def test_oversized_output_is_refused(alice, settings):
    settings.WORKFUSE_MAX_STEP_OUTPUT_BYTES = 1000
    # The payload fits; the transform triples it past the limit.
    graph = chain(transform("big", "[@, @, @]"))
    execution = run(make_workflow(alice, graph), {"blob": "x" * 500})
    assert execution.status == "failed"
    assert execution.error.startswith("Step 'big' failed: The output is")
    assert "limit per step" in execution.error


def test_the_trigger_step_is_finished_as_the_execution_starts(alice):
    delay = {"id": "wait", "type": "utility.delay", "config": {"seconds": 3600}}
    execution = engine.start_execution(make_workflow(alice, chain(delay)), {"order": 7})
    trigger = Step.objects.get(execution=execution, key="start")
    assert (trigger.status, trigger.output, trigger.handles) == (
        "succeeded",
        {"order": 7},
        ["main"],
    )
    assert trigger.attempt == 1 and [a["status"] for a in trigger.attempts] == ["succeeded"]
    assert trigger.started_at is not None and trigger.finished_at is not None
    assert Step.objects.get(execution=execution, key="wait").status == "waiting"


def test_an_oversized_payload_fails_the_trigger_step(alice, settings):
    settings.WORKFUSE_MAX_STEP_OUTPUT_BYTES = 1000
    execution = run(make_workflow(alice, chain(transform("a"))), {"blob": "x" * 5000})
    assert execution.status == "failed"
    assert execution.error.startswith("Step 'start' failed: The output is")
    assert not Step.objects.filter(execution=execution, key="a").exists()


def test_duplicate_delivery_of_a_step_is_harmless(alice):
    execution = run(make_workflow(alice, chain(transform("a"))))
    step = Step.objects.get(execution=execution, key="a")
    assert engine.run_step(step.pk) is None
    step.refresh_from_db()
    assert step.attempt == 1


def test_expired_lease_is_taken_back_and_the_step_runs_again(alice):
    graph = chain(
        {"id": "wait", "type": "utility.delay", "config": {"seconds": 3600}}, transform("after")
    )
    execution = run(make_workflow(alice, graph))
    # A worker claimed 'wait' and died: running with an old lease.
    Step.objects.filter(execution=execution, key="wait").update(
        status="running",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
        lease_owner="dead",
        wake_at=None,
    )
    result = engine.sweep()
    assert result["expired"] == 1
    step = Step.objects.get(execution=execution, key="wait")
    assert step.status == "waiting"  # run again by a live worker: waiting on its timer
    assert step.attempts[-1]["status"] == "interrupted"


def interrupted_before(times: int) -> list[dict]:
    return [{"attempt": i + 1, "status": "interrupted"} for i in range(times)]


def crash_mid_step(execution: Execution, key: str, times_before: int) -> None:
    """As if the step's worker died `times_before` times already and has just died again."""
    Step.objects.filter(execution=execution, key=key).update(
        status="running",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
        lease_owner="dead",
        wake_at=None,
        attempt=times_before + 1,
        attempts=interrupted_before(times_before),
    )


def test_a_step_that_keeps_killing_its_worker_fails_instead_of_running_again(alice, settings):
    settings.WORKFUSE_MAX_INTERRUPTIONS = 3
    graph = chain(
        {"id": "wait", "type": "utility.delay", "config": {"seconds": 3600}}, transform("after")
    )
    execution = run(make_workflow(alice, graph))
    crash_mid_step(execution, "wait", times_before=2)
    assert engine.sweep()["expired"] == 0  # not sent to another worker
    step = Step.objects.get(execution=execution, key="wait")
    assert step.status == "failed"
    assert "stopped 3 times" in step.error
    assert [a["status"] for a in step.attempts] == ["interrupted"] * 3
    execution.refresh_from_db()
    assert execution.status == "failed"
    assert "stopped 3 times" in execution.error
    assert not Step.objects.filter(execution=execution, key="after").exists()


def test_a_crashing_step_with_on_error_continue_lets_the_run_go_on(alice, settings):
    settings.WORKFUSE_MAX_INTERRUPTIONS = 2
    wait = {"id": "wait", "type": "utility.delay", "config": {"seconds": 3600}}
    wait["on_error"] = "continue"
    execution = run(make_workflow(alice, chain(wait, transform("after"))))
    crash_mid_step(execution, "wait", times_before=1)
    engine.sweep()
    execution.refresh_from_db()
    assert execution.status == "succeeded"
    after = Step.objects.get(execution=execution, key="after")
    assert "stopped 2 times" in after.output["result"]["error"]


def test_restart_recovery_counts_the_running_step_as_interrupted(alice, settings):
    settings.WORKFUSE_MAX_INTERRUPTIONS = 3
    graph = chain(
        {"id": "wait", "type": "utility.delay", "config": {"seconds": 3600}}, transform("after")
    )
    first = run(make_workflow(alice, graph))
    second = run(make_workflow(alice, graph))
    crash_mid_step(first, "wait", times_before=0)
    crash_mid_step(second, "wait", times_before=2)
    engine.recover_after_restart()
    again = Step.objects.get(execution=first, key="wait")
    assert again.status == "waiting"  # taken back and run again by the (eager) worker
    assert [a["status"] for a in again.attempts] == ["interrupted"]
    assert Step.objects.get(execution=second, key="wait").status == "failed"


def test_pause_resume_cancel(alice):
    graph = chain(
        {"id": "wait", "type": "utility.delay", "config": {"seconds": 10}}, transform("after")
    )
    workflow = make_workflow(alice, graph)
    execution = run(workflow)
    engine.pause(execution)
    engine.sweep(now=later(11))
    assert (
        Step.objects.get(execution=execution, key="wait").status == "waiting"
    )  # paused: timer not taken
    with pytest.raises(engine.IllegalTransition):
        engine.pause(Execution.objects.get(pk=execution.pk))
    engine.resume(execution)
    engine.sweep(now=later(11))
    execution.refresh_from_db()
    assert execution.status == "succeeded"
    with pytest.raises(engine.IllegalTransition, match="already succeeded"):
        engine.cancel(execution)
    with pytest.raises(engine.IllegalTransition):
        engine.resume(execution)

    other = run(workflow)
    engine.cancel(other)
    other.refresh_from_db()
    assert other.status == "cancelled"
    assert Step.objects.get(execution=other, key="wait").status == "cancelled"
    engine.sweep(now=later(11))
    assert not Step.objects.filter(execution=other, key="after").exists()


def test_retry_from_failure_reuses_finished_steps(alice):
    with recorder() as server:
        server.script = [(400, {}, {})]
        graph = chain(
            transform("first"),
            {"id": "call", "type": "action.http", "config": {"url": server.url}},
            transform("after"),
        )
        execution = run(make_workflow(alice, graph))
        assert execution.status == "failed"
        first_finished = Step.objects.get(execution=execution, key="first").finished_at
        engine.retry(execution)
        execution.refresh_from_db()
        assert execution.status == "succeeded"
        steps = steps_by_key(execution)
        assert steps["first"].finished_at == first_finished  # not run again
        assert steps["call"].attempt == 2
        assert len(server.requests) == 2
        with pytest.raises(engine.IllegalTransition):
            engine.retry(execution)


def test_replay_on_the_original_or_the_latest_version(alice):
    workflow = make_workflow(alice, chain(transform("a", "x")))
    original = run(workflow, {"x": 1})
    workflow.save_graph(chain(transform("a", "x"), transform("b", "result")), user=alice)
    same = Execution.objects.get(pk=engine.replay(original).pk)
    latest = Execution.objects.get(pk=engine.replay(original, latest_version=True).pk)
    assert (same.replay_of_id, same.trigger_data, same.version.number) == (original.pk, {"x": 1}, 1)
    assert latest.version.number == 2
    assert steps_by_key(latest)["b"].output == {"result": 1}


def test_rerun_from_a_node_reuses_upstream_outputs_and_leaves_the_original(alice):
    graph = chain(
        transform("a", "n"),
        {
            "id": "b",
            "type": "utility.transform",
            "config": {"language": "template", "expression": "{{ nodes.a.result * 2 }}"},
        },
        transform("c", "result"),
    )
    original = run(make_workflow(alice, graph), {"n": 5})
    rerun = engine.rerun_from(
        original, "b", {"language": "template", "expression": "{{ nodes.a.result * 10 }}"}
    )
    rerun.refresh_from_db()
    steps = steps_by_key(rerun)
    assert rerun.status == "succeeded"
    assert steps["a"].reused and not steps["b"].reused
    assert steps["c"].output == {"result": 50}
    assert steps_by_key(original)["c"].output == {"result": 10}
    assert rerun.replay_of_id == original.pk and rerun.rerun_from == "b"


def test_concurrency_limit_queues_extra_runs_and_starts_them_later(alice):
    graph = chain({"id": "wait", "type": "utility.delay", "config": {"seconds": 60}})
    workflow = make_workflow(alice, graph)
    workflow.max_concurrency = 1
    workflow.save()
    first = run(workflow)
    second = run(workflow)
    assert (first.status, second.status) == ("running", "pending")
    assert "1 of 1 allowed executions" in second.waiting_reason
    engine.sweep(now=later(61))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "succeeded"
    assert second.status == "running"


def test_code_is_never_rendered_as_a_template(alice):
    code = "return '{{ trigger.name }}' + ' ' + trigger.name"
    graph = chain({"id": "js", "type": "action.code", "config": {"code": code}})
    execution = run(make_workflow(alice, graph), {"name": "Ada"})
    assert execution.status == "succeeded", execution.error
    assert (
        Step.objects.get(execution=execution, key="js").output["result"] == "{{ trigger.name }} Ada"
    )
