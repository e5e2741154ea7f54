"""The gate (executions/engine/gate.py): a change is written only to the steps that still allow
it, and exactly those are announced to live listeners."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from executions import engine, events
from executions.engine import advance, gate
from executions.models import Step
from tests.engine_helpers import chain, make_workflow, transform

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_AN_HOUR = {"id": "wait", "type": "utility.delay", "config": {"seconds": 3600}}


@pytest.fixture
def announced(monkeypatch) -> list[dict[str, Any]]:
    """The live messages published (outside a transaction they leave at once)."""
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(events, "publish", lambda group, payload: sent.append(payload))
    return sent


def test_a_move_changes_and_announces_only_the_steps_still_as_expected(alice, announced):
    workflow = make_workflow(alice, chain(WAIT_AN_HOUR))
    first, second = (engine.start_execution(workflow).steps.get(key="wait") for _ in range(2))
    Step.objects.filter(pk=second.pk).update(status="running")  # it moved on meanwhile
    announced.clear()
    values: gate.StepValues = {"status": "pending", "dispatched_at": timezone.now()}
    moved = gate.apply(gate.Move([first, second], values, were=("waiting",)))
    assert moved == [first]
    assert (first.status, second.status) == ("pending", "waiting")  # as written, not as guessed
    rows = dict(Step.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "status"))
    assert rows == {first.pk: "pending", second.pk: "running"}
    assert [(m["key"], m["status"], m["execution_id"]) for m in announced] == [
        ("wait", "pending", str(first.execution_id))
    ]


def test_a_step_taken_over_by_another_worker_is_neither_written_nor_announced(
    alice, announced, monkeypatch
):
    held: list[int] = []
    monkeypatch.setattr(advance, "dispatch", held.extend)
    engine.start_execution(make_workflow(alice, chain(transform("a"))))
    (step,) = gate.apply(gate.Claim(held[0]))
    assert step.execution.status == "running"
    assert (announced[-1]["key"], announced[-1]["status"]) == ("a", "running")
    Step.objects.filter(pk=step.pk).update(lease_owner="another worker")
    announced.clear()
    assert gate.apply(gate.Held(step, {"status": "succeeded", "output": {"x": 1}})) == []
    assert step.status == "running"
    assert Step.objects.get(pk=step.pk).output is None
    assert announced == []
