"""Rounds: a task running several chains, one step of each, with their checkpoints committed
together; and the backlog steps a task adopts (docs/engine.md, "Rounds")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection
from django.utils import timezone

from executions import engine, step_sql
from executions.engine import advance, running
from executions.models import Execution, Step
from executions.tasks import run_step_task
from tests.engine_helpers import chain, make_workflow, transform

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def held(monkeypatch) -> list[int]:
    """The ids of the steps the engine dispatches, kept here instead of sent to a worker."""
    ids: list[int] = []
    monkeypatch.setattr(advance, "dispatch", ids.extend)
    return ids


def started(owner, count: int, graph=None) -> list[Execution]:
    workflow = make_workflow(owner, graph or chain(transform("a"), transform("b")))
    return [engine.start_execution(workflow, {"n": i}) for i in range(count)]


def statuses(key: str) -> list[str]:
    return sorted(Step.objects.filter(key=key).values_list("status", flat=True))


def run_to_the_end(steps: list[Step]) -> None:
    while steps:
        steps = engine.run_round(steps)


def test_a_round_commits_its_steps_together_after_all_of_them_ran(alice, held, monkeypatch):
    executions = started(alice, 3)
    steps = [engine.claim(i) for i in held]
    seen = []
    call_node = running.call_node

    def watched(node, config, ctx):  # what is committed while each node runs
        seen.append(statuses(ctx.step_key))
        return call_node(node, config, ctx)

    monkeypatch.setattr(running, "call_node", watched)
    successors = engine.run_round(steps)
    assert seen == [["running"] * 3] * 3  # no result was committed before the round's end
    assert statuses("a") == ["succeeded"] * 3
    assert sorted(s.key for s in successors) == ["b"] * 3
    assert statuses("b") == ["running"] * 3  # created claimed, in the same commit
    run_to_the_end(successors)
    for execution in executions:
        execution.refresh_from_db()
        assert execution.status == "succeeded"
        payload = execution.trigger_data  # each chain carried its own data through the rounds
        assert execution.steps.get(key="b").output == {"result": {"result": payload}}


def test_a_failed_shared_commit_commits_each_step_on_its_own(alice, held, monkeypatch):
    started(alice, 3)
    steps = [engine.claim(i) for i in held]
    store_result, failures = step_sql.store_result, [steps[1].pk]

    def failing_once(step_id, owner, values):
        if step_id in failures:
            failures.remove(step_id)
            raise DatabaseError("deadlock detected")
        return store_result(step_id, owner, values)

    monkeypatch.setattr(step_sql, "store_result", failing_once)
    successors = engine.run_round(steps)
    assert statuses("a") == ["succeeded"] * 3
    run_to_the_end(successors)
    assert set(Execution.objects.values_list("status", flat=True)) == {"succeeded"}


def test_a_step_that_cannot_be_stored_does_not_lose_the_others(alice, held, monkeypatch):
    started(alice, 3)
    steps = [engine.claim(i) for i in held]
    store_result, broken = step_sql.store_result, steps[0].pk

    def failing(step_id, owner, values):
        if step_id == broken:
            raise DatabaseError("could not write")
        return store_result(step_id, owner, values)

    monkeypatch.setattr(step_sql, "store_result", failing)
    successors = engine.run_round(steps)
    assert statuses("a") == ["running", "succeeded", "succeeded"]
    assert len(successors) == 2  # the others go on at once
    # The broken one is left as if its worker had died: once its lease expires, the sweep
    # hands it to another worker.
    assert Step.objects.get(pk=broken).lease_owner == engine.worker_id()
    Step.objects.filter(pk=broken).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert engine.sweep()["expired"] == 1


def test_a_step_of_a_cancelled_execution_is_discarded_in_a_round(alice, held):
    first, second = started(alice, 2)
    steps = [engine.claim(i) for i in held]
    Execution.objects.filter(pk=first.pk).update(status="cancelled")
    successors = engine.run_round(steps)
    assert [s.execution_id for s in successors] == [second.pk]
    assert first.steps.get(key="a").status == "cancelled"
    assert not first.steps.filter(key="b").exists()


def test_a_round_keeps_renewing_the_leases_of_steps_already_run():
    keeper = engine.LeaseKeeper()
    with keeper.holding(1, 2):
        with keeper.holding(1):  # step 1 runs, then waits for the round's commit
            pass
        assert set(keeper._running) == {1, 2}
    assert not keeper._running


def backlog(executions: list[Execution]) -> None:
    """Their pending steps have waited for a worker for seconds, the first one longest."""
    now = timezone.now()
    for age, execution in enumerate(reversed(executions), start=5):
        execution.steps.filter(status="pending").update(dispatched_at=now - timedelta(seconds=age))


def test_a_task_adopts_steps_left_waiting_in_the_backlog(alice, held, settings):
    settings.WORKFUSE_BATCH_SIZE = 3
    executions = started(alice, 5)
    backlog(executions)
    paused = executions[1]
    Execution.objects.filter(pk=paused.pk).update(status="paused")
    steps = engine.claim_batch(held[0])
    if connection.vendor != "postgresql":  # adoption needs SKIP LOCKED
        assert [s.pk for s in steps] == [held[0]]
        return
    # Its own step and the two oldest waiting ones of running executions: not the paused one.
    assert steps[0].pk == held[0]
    assert {s.execution_id for s in steps[1:]} == {executions[2].pk, executions[3].pk}
    assert all(s.status == "running" and s.lease_owner == engine.worker_id() for s in steps)
    assert engine.claim(steps[1].pk) is None  # its own task finds it taken: nothing to do
    run_to_the_end(steps)
    done = set(Execution.objects.filter(status="succeeded").values_list("pk", flat=True))
    assert done == {executions[0].pk, executions[2].pk, executions[3].pk}


def test_steps_dispatched_moments_ago_are_left_to_their_own_tasks(alice, held, settings):
    settings.WORKFUSE_BATCH_SIZE = 3
    started(alice, 3)
    steps = engine.claim_batch(held[0])
    assert [s.pk for s in steps] == [held[0]]  # no backlog: the others are being picked up


def test_a_task_whose_step_was_adopted_still_works_through_the_backlog(alice, held, settings):
    settings.WORKFUSE_BATCH_SIZE = 4
    executions = started(alice, 3)
    backlog(executions)
    Step.objects.filter(pk=held[0]).update(status="running", lease_owner="another worker")
    run_step_task.apply(args=[held[0]])
    finished = Execution.objects.filter(status="succeeded").count()
    assert finished == (2 if connection.vendor == "postgresql" else 0)


def test_a_step_after_its_execution_failed_in_the_same_round_does_not_advance(alice, held):
    failing = {
        "id": "a",
        "type": "utility.transform",
        "config": {"language": "template", "expression": "{{ trigger.missing.field }}"},
    }
    graph = {
        "nodes": [chain()["nodes"][0], failing, transform("b"), transform("c")],
        "edges": [
            {"source": "start", "target": "a"},
            {"source": "start", "target": "b"},
            {"source": "b", "target": "c"},
        ],
    }
    (execution,) = started(alice, 1, graph)
    steps = sorted((engine.claim(i) for i in held), key=lambda s: s.key)  # a fails first
    assert engine.run_round(steps) == []
    execution.refresh_from_db()
    assert execution.status == "failed"
    assert execution.steps.get(key="b").status == "succeeded"
    assert not execution.steps.filter(key="c").exists()
