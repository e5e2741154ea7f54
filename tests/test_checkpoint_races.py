"""What a step's checkpoint does when the execution changed while the step ran.

The step is an HTTP call to a local server that holds the request; meanwhile the test cancels
or pauses the execution, or another worker takes the step's lease, from another connection."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from executions import engine
from executions.models import Execution, Step
from tests.engine_helpers import chain, make_workflow, recorder, transform

pytestmark = pytest.mark.django_db(transaction=True)


def run_while_held(alice: Any, during: Callable[[Execution], None]) -> Execution:
    """Run trigger -> call (held) -> after; call `during` while the call is held."""
    with recorder() as server:
        release = server.holds["/held"] = threading.Event()
        call = {"id": "call", "type": "action.http", "config": {"url": f"{server.url}/held"}}
        workflow = make_workflow(alice, chain(call, transform("after")))
        started: list[Execution] = []

        def start() -> None:
            try:
                started.append(engine.start_execution(workflow))
            finally:
                connection.close()

        runner = threading.Thread(target=start)
        runner.start()
        deadline = time.monotonic() + 10
        while not server.requests:
            assert time.monotonic() < deadline, "the call never arrived"
            time.sleep(0.01)
        execution = Execution.objects.get(workflow=workflow)
        during(execution)
        release.set()
        runner.join(timeout=10)
        assert started, "the run did not return"
    execution.refresh_from_db()
    return execution


@pytest.fixture(autouse=True)
def _local_http(settings: Any) -> None:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True


def test_a_step_finishing_after_a_cancel_is_discarded(alice):
    execution = run_while_held(alice, engine.cancel)
    call = Step.objects.get(execution=execution, key="call")
    assert execution.status == "cancelled"
    assert call.status == "cancelled"
    assert call.error == "Cancelled while running; the result was discarded."
    assert call.output is None
    assert not Step.objects.filter(execution=execution, key="after").exists()


def test_a_step_finishing_while_paused_keeps_its_result_and_the_run_goes_on_at_resume(alice):
    execution = run_while_held(alice, engine.pause)
    call = Step.objects.get(execution=execution, key="call")
    assert execution.status == "paused"
    assert call.status == "succeeded" and call.output["status"] == 200
    assert not Step.objects.filter(execution=execution, key="after").exists()
    engine.resume(execution)
    execution.refresh_from_db()
    assert execution.status == "succeeded"
    assert Step.objects.get(execution=execution, key="after").status == "succeeded"


def test_a_step_whose_lease_was_taken_over_stores_nothing(alice):
    def taken_over(execution: Execution) -> None:
        Step.objects.filter(execution=execution, key="call").update(lease_owner="another-worker")

    execution = run_while_held(alice, taken_over)
    call = Step.objects.get(execution=execution, key="call")
    assert (execution.status, call.status, call.lease_owner) == (
        "running",
        "running",
        "another-worker",
    )
    assert call.output is None
    assert not Step.objects.filter(execution=execution, key="after").exists()
