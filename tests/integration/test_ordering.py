"""Random DAGs on two real worker processes: each node runs once, after its predecessors,
and independent branches run at the same time."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from executions import engine
from executions.models import Execution, Step
from tests.engine_helpers import make_workflow, recorder
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("integration")]


class BothArrived:
    """A request gate that opens once two requests wait at it (or after 5 s): the branches
    can only both finish quickly if they were in flight at the same time."""

    def __init__(self) -> None:
        self.barrier = threading.Barrier(2, timeout=5)

    def wait(self, timeout: float | None = None) -> bool:
        try:
            self.barrier.wait()
        except threading.BrokenBarrierError:
            return False
        return True

    def set(self) -> None:
        self.barrier.abort()


@st.composite
def dags(draw):
    n = draw(st.integers(2, 8))
    pairs = list(itertools.combinations(range(n), 2))
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=12))
    nodes = [{"id": "start", "type": "trigger.manual"}] + [
        {"id": f"n{i}", "type": "utility.transform", "config": {"expression": "@"}}
        for i in range(n)
    ]
    edges = [
        {"source": "start", "target": f"n{i}"}
        for i in range(n)
        if not any(b == i for _, b in chosen)
    ]
    edges += [{"source": f"n{a}", "target": f"n{b}"} for a, b in chosen]
    return {"nodes": nodes, "edges": edges}


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(graph=dags())
def test_random_dags_run_every_node_once_after_its_predecessors(queue_mode, alice, graph):
    if not queue_mode.processes:
        queue_mode.beat()
        queue_mode.worker(concurrency=1, name="a")
        queue_mode.worker(concurrency=1, name="b")
    execution = engine.start_execution(make_workflow(alice, graph))
    wait_for(
        lambda: Execution.objects.get(pk=execution.pk).status == "succeeded", 30, what="the run"
    )
    steps = {s.key: s for s in Step.objects.filter(execution=execution)}
    assert sorted(steps) == sorted(n["id"] for n in graph["nodes"])
    assert all(s.attempt == 1 and s.status == "succeeded" for s in steps.values())
    for edge in graph["edges"]:
        assert steps[edge["source"]].finished_at <= steps[edge["target"]].started_at


def test_independent_branches_overlap_in_time_on_two_workers(queue_mode, alice, settings):
    with recorder() as server:
        server.holds["/slow"] = BothArrived()
        graph = {
            "nodes": [
                {"id": "start", "type": "trigger.manual"},
                {"id": "left", "type": "action.http", "config": {"url": server.url + "/slow"}},
                {"id": "right", "type": "action.http", "config": {"url": server.url + "/slow"}},
            ],
            "edges": [
                {"source": "start", "target": "left"},
                {"source": "start", "target": "right"},
            ],
        }
        queue_mode.beat()
        queue_mode.worker(concurrency=1, name="a")
        queue_mode.worker(concurrency=1, name="b")
        began = time.monotonic()
        execution = engine.start_execution(make_workflow(alice, graph))
        wait_for(
            lambda: Execution.objects.get(pk=execution.pk).status == "succeeded", 30, what="the run"
        )
        assert (
            time.monotonic() - began < 4
        )  # the gate opened: both requests were in flight together
        left, right = (Step.objects.get(execution=execution, key=k) for k in ("left", "right"))
        assert left.started_at < right.finished_at and right.started_at < left.finished_at
