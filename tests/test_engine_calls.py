"""Sub-workflows in the engine (action.workflow → trigger.workflow), eagerly in one process:
Celery tasks run on commit, time moves forward by calling the sweep with a later `now`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from editor.models import Workflow
from executions import engine
from executions.engine import rounds, running
from executions.hints import hint_for
from executions.models import Execution, Step
from tests.call_helpers import called, caller, greeter, template
from tests.engine_helpers import make_workflow, steps_by_key

pytestmark = pytest.mark.django_db(transaction=True)


def later(seconds: float):
    return timezone.now() + timedelta(seconds=seconds)


def run(workflow: Workflow, payload: Any = None) -> Execution:
    execution = engine.start_execution(workflow, payload)
    execution.refresh_from_db()
    return execution


def child_of(execution: Execution, key: str = "call") -> Execution:
    return Execution.objects.get(parent=execution, parent_step_key=key)


def test_the_parent_waits_for_the_child_and_outputs_its_last_node(alice):
    child_workflow = greeter(alice)
    parent = run(
        make_workflow(
            alice, caller(child_workflow.pk, {"name": "{{ trigger.who }}", "times": "2"})
        ),
        {"who": "Ada"},
    )
    assert parent.status == "succeeded", parent.error
    child = child_of(parent)
    assert (child.workflow_id, child.status, child.trigger_kind) == (
        child_workflow.pk,
        "succeeded",
        "workflow",
    )
    assert child.trigger_node == "called" and child.call_depth == 1
    assert child.call_root == parent.pk
    # The trigger's output is the inputs, typed as declared ("2" became 2).
    assert steps_by_key(child)["called"].output == {"name": "Ada", "times": 2}
    call = steps_by_key(parent)["call"]
    assert call.output == {
        "execution_id": str(child.pk),
        "status": "succeeded",
        "output": {"result": "hello Ada hello Ada "},
    }
    # Started, waited (woken by the child's end), finished: one attempt ran the node twice.
    assert call.attempt == 2 and [a["status"] for a in call.attempts] == ["succeeded"]
    assert steps_by_key(parent)["after"].output == {"result": "got succeeded"}


def test_a_waiting_parent_holds_no_worker_while_the_child_waits(alice):
    slow = make_workflow(
        alice,
        called(
            [],
            {"id": "nap", "type": "utility.delay", "config": {"seconds": 3600}},
            template("done", "rested"),
        ),
    )
    parent = run(make_workflow(alice, caller(slow.pk)))
    call = Step.objects.get(execution=parent, key="call")
    child = child_of(parent)
    assert (parent.status, call.status, child.status) == ("running", "waiting", "running")
    assert call.output == {"execution_id": str(child.pk), "status": "running"}
    assert call.lease_owner == "" or call.lease_expires_at is None
    engine.sweep(now=later(3601))  # the child's delay ends; its end wakes the parent
    parent.refresh_from_db()
    assert parent.status == "succeeded", parent.error
    assert Step.objects.get(execution=parent, key="call").output["output"] == {"result": "rested"}


def test_a_failed_child_fails_the_parent_step_with_its_error_and_a_link(alice):
    failing = make_workflow(alice, called([], template("boom", "{{ trigger.missing.deeper }}")))
    parent = run(make_workflow(alice, caller(failing.pk)))
    child = child_of(parent)
    assert child.status == "failed"
    assert parent.status == "failed"
    call = Step.objects.get(execution=parent, key="call")
    assert call.status == "failed"
    assert call.error.startswith(f"The called workflow 'test' (execution /executions/{child.pk}/")
    assert child.error in call.error
    assert call.output == {"execution_id": str(child.pk), "status": "failed"}
    assert call.attempt == 2 and len(call.attempts) == 1  # not retried: the child had its own
    assert f"/executions/{child.pk}/" in parent.error
    assert hint_for(parent.error).startswith("Open the called run")


def test_on_error_continue_turns_a_failed_child_into_output_with_the_link(alice):
    failing = make_workflow(alice, called([], template("boom", "{{ trigger.missing.deeper }}")))
    graph = caller(failing.pk)
    graph["nodes"][1]["on_error"] = "continue"
    graph["nodes"][2] = template("after", "{{ nodes.call.detail.execution_id }}")
    parent = run(make_workflow(alice, graph))
    assert parent.status == "succeeded", parent.error
    child = child_of(parent)
    assert steps_by_key(parent)["after"].output == {"result": str(child.pk)}


def test_without_wait_the_parent_goes_on_at_once(alice):
    slow = make_workflow(
        alice, called([], {"id": "nap", "type": "utility.delay", "config": {"seconds": 3600}})
    )
    parent = run(make_workflow(alice, caller(slow.pk, wait=False)))
    assert parent.status == "succeeded", parent.error
    child = child_of(parent)
    assert child.status == "running"
    call = steps_by_key(parent)["call"]
    assert call.output == {"execution_id": str(child.pk), "status": "running"}
    assert call.attempt == 1
    engine.sweep(now=later(3601))
    child.refresh_from_db()
    assert child.status == "succeeded"
    assert Step.objects.get(execution=parent, key="call").attempt == 1  # nothing woke it


def test_missing_or_mistyped_inputs_fail_the_call_before_any_child_starts(alice):
    child_workflow = greeter(alice)
    parent = run(
        make_workflow(alice, caller(child_workflow.pk, {"name": "{{ trigger.x }}"})), {"x": None}
    )
    # The save-time check cannot see what a template gives: null fails at run time.
    assert parent.status == "failed"
    assert "inputs: calling 'Greeter': input 'name' is required" in parent.error
    parent = run(
        make_workflow(alice, caller(child_workflow.pk, {"name": "A", "times": "{{ trigger.t }}"})),
        {"x": 1, "t": "twice"},
    )
    assert parent.status == "failed"
    assert "input 'times' (number): \"twice\" is not a number" in parent.error
    assert not Execution.objects.filter(workflow=child_workflow).exists()


def test_a_workflow_calling_itself_stops_at_the_depth_bound(alice, settings):
    settings.WORKFUSE_MAX_WORKFLOW_DEPTH = 3
    workflow = make_workflow(alice, called([]))
    graph = {
        "nodes": [
            {"id": "called", "type": "trigger.workflow"},
            {"id": "by_hand", "type": "trigger.manual"},
            {"id": "again", "type": "action.workflow", "config": {"workflow": workflow.pk}},
        ],
        "edges": [
            {"source": "called", "target": "again"},
            {"source": "by_hand", "target": "again"},
        ],
    }
    workflow.save_graph(graph, user=alice)
    top = run(workflow)
    runs = list(Execution.objects.filter(workflow=workflow).order_by("call_depth"))
    assert [r.call_depth for r in runs] == [0, 1, 2, 3]
    assert all(r.status == "failed" for r in runs)
    deepest = Step.objects.get(execution=runs[-1], key="again")
    assert "WORKFUSE_MAX_WORKFLOW_DEPTH" in deepest.error
    assert "at most 3" in deepest.error
    assert hint_for(deepest.error).startswith("A workflow that calls itself")
    assert top.status == "failed" and "WORKFUSE_MAX_WORKFLOW_DEPTH" in top.error
    assert {r.call_root for r in runs[1:]} == {top.pk}


def test_the_number_of_called_runs_under_one_run_is_bounded(alice, settings):
    settings.WORKFUSE_MAX_CHILD_EXECUTIONS = 3
    child_workflow = make_workflow(alice, called([], template("x", "1")))
    graph = {
        "nodes": [
            {"id": "start", "type": "trigger.manual"},
            {"id": "each", "type": "logic.loop", "config": {"items": "{{ trigger.items }}"}},
            {"id": "call", "type": "action.workflow", "config": {"workflow": child_workflow.pk}},
        ],
        "edges": [
            {"source": "start", "target": "each"},
            {"source": "each", "source_handle": "each", "target": "call"},
        ],
    }
    parent = run(make_workflow(alice, graph), {"items": [1, 2, 3, 4, 5]})
    assert parent.status == "failed"
    assert Execution.objects.filter(parent=parent).count() == 3
    failed = Step.objects.get(execution=parent, key="call[3]")
    assert "WORKFUSE_MAX_CHILD_EXECUTIONS" in failed.error


def test_another_users_workflow_is_refused_at_run_time(alice, bob):
    theirs = greeter(bob)
    mine = make_workflow(alice, caller(theirs.pk, {"name": "x"}))
    # Saved when it was still alice's own (the save check passed); then it changed hands.
    with pytest.raises(engine.ExecutionRefused, match="does not exist or is not yours"):
        engine.start_execution(mine)
    engine._valid_versions.add(mine.versions.get().pk)  # as if validated before the change
    parent = run(mine)
    assert parent.status == "failed"
    assert "workflow: workflow" in parent.error and "only your own workflows" in parent.error
    assert not Execution.objects.filter(workflow=theirs).exists()


def test_a_called_workflow_without_its_trigger_is_refused_at_run_time(alice):
    child_workflow = greeter(alice)
    parent_workflow = make_workflow(alice, caller(child_workflow.pk, {"name": "x"}))
    engine._valid_versions.add(parent_workflow.versions.get().pk)
    child_workflow.save_graph(
        {"nodes": [{"id": "start", "type": "trigger.manual"}], "edges": []}, user=alice
    )
    parent = run(parent_workflow)
    assert parent.status == "failed"
    assert "has no 'When called by a workflow' trigger (trigger.workflow)" in parent.error


def test_cancelling_the_parent_cancels_the_child_it_waits_for(alice):
    slow = make_workflow(
        alice, called([], {"id": "nap", "type": "utility.delay", "config": {"seconds": 3600}})
    )
    graph = caller(slow.pk)
    graph["nodes"].append(
        {"id": "fire", "type": "action.workflow", "config": {"workflow": slow.pk, "wait": False}}
    )
    graph["edges"].append({"source": "start", "target": "fire"})
    parent = run(make_workflow(alice, graph))
    waited, fired = child_of(parent, "call"), child_of(parent, "fire")
    engine.cancel(parent)
    waited.refresh_from_db()
    fired.refresh_from_db()
    assert waited.status == "cancelled"
    assert waited.error == "Cancelled: the run that called it ended."
    assert Step.objects.get(execution=waited, key="nap").status == "cancelled"
    assert fired.status == "running"  # started without wait: it goes on by itself


def test_cancelling_the_child_fails_the_waiting_parent_step(alice):
    slow = make_workflow(
        alice, called([], {"id": "nap", "type": "utility.delay", "config": {"seconds": 3600}})
    )
    parent = run(make_workflow(alice, caller(slow.pk)))
    engine.cancel(child_of(parent))
    parent.refresh_from_db()
    assert parent.status == "failed"
    assert "was cancelled" in Step.objects.get(execution=parent, key="call").error


def test_retrying_the_parent_calls_again_with_a_new_child(alice):
    flaky = make_workflow(alice, called([], template("boom", "{{ trigger.missing.deeper }}")))
    parent_workflow = make_workflow(alice, caller(flaky.pk))
    parent = run(parent_workflow)
    assert parent.status == "failed"
    first = child_of(parent)
    flaky.save_graph(called([], template("fine", "ok")), user=alice)
    engine.retry(parent)
    parent.refresh_from_db()
    assert parent.status == "succeeded", parent.error
    children = Execution.objects.filter(parent=parent).exclude(pk=first.pk)
    assert children.count() == 1
    call = Step.objects.get(execution=parent, key="call")
    assert call.output["execution_id"] == str(children.get().pk)
    assert call.output["output"] == {"result": "ok"}


def test_a_step_woken_while_its_child_runs_waits_again_without_counting_an_attempt(alice):
    slow = make_workflow(
        alice, called([], {"id": "nap", "type": "utility.delay", "config": {"seconds": 3600}})
    )
    parent = run(make_workflow(alice, caller(slow.pk)))
    call = Step.objects.get(execution=parent, key="call")
    assert engine.sweep(now=call.wake_at + timedelta(seconds=1))["woken"] == 1  # the re-check
    again = Step.objects.get(execution=parent, key="call")
    assert again.status == "waiting" and again.attempt == call.attempt
    assert again.wake_at > call.wake_at


def test_a_child_ending_while_its_caller_looks_at_it_cannot_be_missed(alice):
    slow = make_workflow(
        alice, called([], {"id": "nap", "type": "utility.delay", "config": {"seconds": 3600}})
    )
    parent = run(make_workflow(alice, caller(slow.pk)))
    child = child_of(parent)
    call = Step.objects.get(execution=parent, key="call")
    # The safety-net look: made pending as the sweep would, run here by hand.
    Step.objects.filter(pk=call.pk).update(status="pending")
    looking = engine.claim(call.pk)
    result = running.run(looking)
    assert result.values["status"] == "waiting"  # the child still runs
    assert engine.wake(child.pk, "nap") is True  # now it ends: its caller is running, not woken
    child.refresh_from_db()
    assert child.status == "succeeded"
    assert Step.objects.get(pk=call.pk).status == "running"
    rounds.commit(result)  # reads the child again under its row lock: due at once
    call.refresh_from_db()
    assert call.status == "waiting" and call.wake_at <= timezone.now()
    engine.sweep()
    parent.refresh_from_db()
    assert parent.status == "succeeded", parent.error


def test_a_deleted_child_fails_the_waiting_parent_at_its_next_check(alice):
    slow = make_workflow(
        alice, called([], {"id": "nap", "type": "utility.delay", "config": {"seconds": 3600}})
    )
    parent = run(make_workflow(alice, caller(slow.pk)))
    child_id = child_of(parent).pk
    slow.delete()
    parent.refresh_from_db()
    assert parent.status == "running"
    engine.sweep(now=later(24 * 3600))
    parent.refresh_from_db()
    assert parent.status == "failed"
    assert f"The called execution {child_id} no longer exists" in parent.error


def test_a_child_that_ends_as_it_starts_makes_the_parent_due_at_once(alice):
    only_trigger = make_workflow(alice, called([{"name": "n", "type": "number"}]))
    parent = run(make_workflow(alice, caller(only_trigger.pk, {"n": 4})))
    call = Step.objects.get(execution=parent, key="call")
    assert call.status == "waiting" and call.wake_at <= timezone.now()
    engine.sweep()
    parent.refresh_from_db()
    assert parent.status == "succeeded", parent.error
    assert Step.objects.get(execution=parent, key="call").output["output"] == {"n": 4}


def test_a_called_workflow_can_be_run_by_hand_with_its_inputs_checked(alice):
    child_workflow = greeter(alice)
    ok = run(child_workflow, {"name": "Bo", "times": 1})
    assert ok.status == "succeeded" and ok.trigger_node == "called"
    bad = run(child_workflow, {"times": 1})
    assert bad.status == "failed"
    assert "The call's inputs do not fit: input 'name' is required" in bad.error
