"""How often a synchronous webhook's request waits for PostgreSQL (docs/performance.md).

A round trip is counted from libpq's own trace of the connection: every time the client sent
something and then read the server's answer. That counts a separate BEGIN and a COMMIT as the
round trips they are, and a pipeline of statements as one, which timing cannot do reliably on
a shared machine.
"""

from __future__ import annotations

import itertools
import json
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from psycopg import pq

# The benchmark's workflow: webhook -> set -> code -> set.
from bench.webhooks_vs_n8n import GRAPH
from editor.models import Workflow
from executions import engine
from executions.engine import advance
from executions.models import Execution, Step

pytestmark = [
    pytest.mark.integration,
    pytest.mark.xdist_group("integration"),
    pytest.mark.django_db(transaction=True),
]


@dataclass
class Trace:
    """What the connection sent and received, as libpq traced it."""

    lines: list[str] = field(default_factory=list)

    @property
    def round_trips(self) -> int:
        """Times the client waited: each run of messages it sent followed by an answer."""
        trips, sending = 0, False
        for line in self.lines:
            if line.startswith("F\t"):
                sending = True
            elif line.startswith("B\t") and sending:
                trips, sending = trips + 1, False
        return trips

    @property
    def statements(self) -> list[str]:
        """The SQL sent, in order (for a failing assertion's message)."""
        sent = [line.split("\t", 3)[-1] for line in self.lines if "\tQuery\t" in line]
        return sent + [line.split("\t", 3)[-1] for line in self.lines if "\tParse\t" in line]


@contextmanager
def traced() -> Iterator[Trace]:
    """Trace this thread's database connection (the test client runs the view in it)."""
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    trace = Trace()
    with tempfile.TemporaryFile("w+") as out:
        pgconn.trace(out.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            yield trace
        finally:
            pgconn.untrace()  # flushes libpq's buffer into `out`
            out.seek(0)
            trace.lines = out.read().splitlines()


def hook(owner: Any, graph: dict[str, Any] = GRAPH) -> Workflow:
    workflow = Workflow.create(owner, "W2", graph=graph)
    workflow.is_active = True
    workflow.save()
    return workflow


def call(workflow: Workflow) -> Any:
    return Client().post(
        f"/hooks/{workflow.webhook_token}",
        data=json.dumps({"n": 7}),
        content_type="application/json",
    )


def test_a_synchronous_webhook_of_four_nodes_costs_five_round_trips(alice):
    workflow = hook(alice)
    assert call(workflow).status_code == 200  # warm: the version, its plan, the code sandbox
    with traced() as trace:
        response = call(workflow)
    assert response.status_code == 200
    assert response.json() == {"result": {"n": 7, "tag": "bench", "c": 15, "done": True}}
    execution = Execution.objects.order_by("-created_at").first()
    assert execution is not None and execution.status == "succeeded"
    steps = {s.key: s.status for s in Step.objects.filter(execution=execution)}
    assert steps == dict.fromkeys(("hook", "set_n", "code", "set_done"), "succeeded")
    # The workflow's lookup, the start (the run, its trigger's step and the first step), and
    # one statement per step's checkpoint, the last one finishing the run. It was 22: a BEGIN
    # and a COMMIT per transaction, and the lock, the store and the insert apart.
    assert trace.round_trips == 5, trace.statements
    # Only the run's end waits for the disk: the caller hears nothing before it, and the log
    # reaches the disk in order, so it makes the start and the other checkpoints durable too.
    writes = [s for s in trace.statements if "INSERT INTO" in s or "UPDATE" in s]
    assert ["synchronous_commit" in s for s in writes] == [True, True, True, False]


# --- the statements, and what they leave --------------------------------------------------------


def line(*ids: str) -> dict[str, Any]:
    """A straight line: a manual trigger, then a transform per id."""
    nodes = [{"id": "start", "type": "trigger.manual", "config": {}}]
    nodes += [{"id": i, "type": "utility.transform", "config": {"expression": "@"}} for i in ids]
    pairs = itertools.pairwise(["start", *ids])
    return {"nodes": nodes, "edges": [{"source": a, "target": b} for a, b in pairs]}


def start(workflow: Workflow, payload: Any = None) -> tuple[Execution, Step]:
    execution, claimed = engine.start_claimed(
        workflow, payload if payload is not None else {"n": 1}, trigger_kind="manual"
    )
    assert claimed is not None
    return execution, claimed


def test_each_step_of_a_chain_is_one_round_trip_and_so_is_the_start(alice):
    workflow = Workflow.create(alice, "line", graph=line("a", "b", "c", "d", "e", "f"))
    start(workflow)  # warm: the version is kept per process
    with traced() as trace:
        execution, claimed = start(workflow)
        last = engine.run_chain(claimed, budget_seconds=30)
    assert last is not None and last.key == "f" and last.execution.status == "succeeded"
    assert trace.round_trips == 1 + 6, trace.statements
    assert not any(s.strip('"') in ("BEGIN", "COMMIT") for s in trace.statements)
    execution.refresh_from_db()
    assert execution.status == "succeeded" and execution.finished_at is not None
    assert set(execution.steps.values_list("status", flat=True)) == {"succeeded"}


STEP_FIELDS = (
    "node_id",
    "status",
    "attempt",
    "input",
    "output",
    "error",
    "error_handled",
    "handles",
    "items_total",
    "items_started",
    "reused",
    "lease_owner",
)
STEP_TIMES = ("started_at", "finished_at", "wake_at", "dispatched_at", "lease_expires_at")


def stored(execution: Execution) -> dict[str, Any]:
    """What a run left in the database, but ids and times (only whether each time is set)."""
    execution.refresh_from_db()
    steps = {
        s.key: (
            *(getattr(s, f) for f in STEP_FIELDS),
            *(getattr(s, t) is None for t in STEP_TIMES),
            [a["status"] for a in s.attempts],
        )
        for s in execution.steps.all()
    }
    run = (execution.status, execution.error, execution.finished_at is None, execution.answered_by)
    return {"execution": run, "steps": steps}


def run_all(workflow: Workflow, held: list[int]) -> Execution:
    """Run a workflow to its end in this process: its chain inline, then each step the engine
    sent to the broker (kept in `held`), as a worker would."""
    execution, claimed = start(workflow, {"n": 1, "body": {"n": 7}})
    engine.run_chain(claimed, budget_seconds=30)
    while held:
        engine.run_chain(engine.claim(held.pop(0)), budget_seconds=30)
    return execution


def check(node_id: str, right: int) -> dict[str, Any]:
    rules = [{"left": "{{ trigger.n }}", "operator": "eq", "right": right}]
    return {"id": node_id, "type": "logic.condition", "config": {"rules": rules}}


def edges(*pairs: str) -> list[dict[str, Any]]:
    """Edges from "a>b" or "a.handle>b"."""
    out = []
    for pair in pairs:
        source, target = pair.split(">")
        source, _, handle = source.partition(".")
        out.append({"source": source, "target": target, "source_handle": handle or "main"})
    return out


def transforms(*ids: str) -> list[dict[str, Any]]:
    return line(*ids)["nodes"][1:]


BAD = {"id": "bad", "type": "action.code", "config": {"code": "throw new Error('no');"}}
MANUAL = {"id": "hook", "type": "trigger.manual", "config": {}}
CASES: dict[str, dict[str, Any]] = {
    "the benchmark's line": {**GRAPH, "nodes": [MANUAL, *GRAPH["nodes"][1:]]},
    "a branch skipped": {
        "nodes": [line()["nodes"][0], *transforms("a"), check("if", 2), *transforms("t", "u")],
        "edges": edges("start>a", "a>if", "if.true>t", "t>u"),
    },
    "parallel branches and a merge": {
        "nodes": [
            *line("a", "b", "c")["nodes"],
            {"id": "both", "type": "utility.merge", "config": {}},
            *transforms("z"),
        ],
        "edges": edges("start>a", "a>b", "a>c", "b>both", "c>both", "both>z"),
    },
    "a failure": {
        "nodes": [*line("a")["nodes"], BAD, *transforms("z")],
        "edges": edges("start>a", "a>bad", "bad>z"),
    },
    "a failure handled": {
        "nodes": [*line("a")["nodes"], {**BAD, "on_error": "continue"}, *transforms("z")],
        "edges": edges("start>a", "a>bad", "bad>z"),
    },
}


@pytest.mark.parametrize("inline", [True, False], ids=["inline", "through the broker"])
@pytest.mark.parametrize("case", list(CASES))
def test_the_fast_path_stores_what_the_general_path_stores(
    alice, settings, monkeypatch, case, inline
):
    held: list[int] = []
    monkeypatch.setattr(advance, "dispatch", held.extend)  # the broker: run here instead
    settings.WORKFUSE_INLINE_SUCCESSOR = inline
    workflow = Workflow.create(alice, case, graph=CASES[case])
    start(workflow)  # warm: the version is kept per process
    held.clear()
    settings.WORKFUSE_FUSED_CHECKPOINTS = True
    with traced() as fast:
        fused = stored(run_all(workflow, held))
    settings.WORKFUSE_FUSED_CHECKPOINTS = False
    with traced() as general:
        assert stored(run_all(workflow, held)) == fused
    assert fast.round_trips < general.round_trips


# --- when the case does not hold: nothing written, the general path decides -------------------


def test_a_step_finishing_after_a_cancel_is_discarded(alice):
    execution, claimed = start(Workflow.create(alice, "line", graph=line("a", "b")))
    engine.cancel(execution)
    assert engine.run_chain(claimed, budget_seconds=30) is not None
    steps = {s.key: s.status for s in execution.steps.all()}
    assert steps == {"start": "succeeded", "a": "cancelled"}


def test_a_step_finishing_while_paused_is_kept_and_its_successor_waits_for_resume(
    alice, monkeypatch
):
    held: list[int] = []
    monkeypatch.setattr(advance, "dispatch", held.extend)
    execution, claimed = start(Workflow.create(alice, "line", graph=line("a", "b")))
    engine.pause(execution)
    engine.run_chain(claimed, budget_seconds=30)
    assert {s.key: s.status for s in execution.steps.all()} == {
        "start": "succeeded",
        "a": "succeeded",
    }
    engine.resume(execution)
    (b,) = held
    engine.run_chain(engine.claim(b), budget_seconds=30)
    execution.refresh_from_db()
    assert execution.status == "succeeded"


def test_a_step_taken_over_by_another_worker_stores_nothing(alice):
    execution, claimed = start(Workflow.create(alice, "line", graph=line("a", "b")))
    Step.objects.filter(pk=claimed.pk).update(lease_owner="another worker")
    assert engine.run_chain(claimed, budget_seconds=30) is not None
    a = execution.steps.get(key="a")
    assert (a.status, a.output, a.lease_owner) == ("running", None, "another worker")
    assert not execution.steps.filter(key="b").exists()


def test_the_last_step_leaves_the_run_open_while_another_step_is(alice):
    # Cannot happen in a straight line; the statement checks it all the same.
    execution, claimed = start(Workflow.create(alice, "line", graph=line("a")))
    Step.objects.create(execution=execution, node_id="a", key="a[0]", status="pending")
    engine.run_chain(claimed, budget_seconds=30)
    execution.refresh_from_db()
    assert execution.status == "running"
    assert execution.steps.get(key="a").status == "succeeded"


def test_the_statement_waits_for_the_execution_row_lock_and_reads_the_status_after_it(alice):
    execution, claimed = start(Workflow.create(alice, "line", graph=line("a", "b")))
    locked, release = threading.Event(), threading.Event()

    def cancel_while_holding_the_lock() -> None:
        try:
            with transaction.atomic():
                Execution.objects.select_for_update().get(pk=execution.pk)
                locked.set()
                release.wait(10)
                Execution.objects.filter(pk=execution.pk).update(status="cancelled")
        finally:
            connection.close()

    holder = threading.Thread(target=cancel_while_holding_the_lock)
    holder.start()
    assert locked.wait(10)
    threading.Timer(0.5, release.set).start()
    began = time.monotonic()
    engine.run_chain(claimed, budget_seconds=30)
    assert time.monotonic() - began >= 0.4  # it waited for the lock
    holder.join(10)
    steps = {s.key: s.status for s in execution.steps.all()}
    assert steps == {"start": "succeeded", "a": "cancelled"}


# --- which checkpoints wait for the disk ----------------------------------------------------------

RELAXED = "set_config('synchronous_commit', 'off', true)"


def test_only_checkpoints_of_steps_that_reach_nothing_outside_skip_waiting_for_the_disk(alice):
    # a, b: transforms (contained); seen: a dedupe keeping items across runs (not contained);
    # z: the last step, which ends the run and so always waits.
    remember = {"id": "seen", "type": "utility.dedupe", "config": {"items": "{{ [1] }}"}}
    remember["config"]["scope"] = "workflow"
    graph = {
        "nodes": [*line("a", "b")["nodes"], remember, *transforms("z")],
        "edges": edges("start>a", "a>b", "b>seen", "seen>z"),
    }
    workflow = Workflow.create(alice, "mixed", graph=graph)
    start(workflow)  # warm: the version is kept per process
    with traced() as trace:
        execution, claimed = start(workflow)
        last = engine.run_chain(claimed, budget_seconds=30)
    assert last is not None and last.execution.status == "succeeded"
    checkpoints = [s for s in trace.statements if "held AS (UPDATE" in s]
    assert len(checkpoints) == 4, trace.statements  # a, b, seen, z
    assert [RELAXED in s for s in checkpoints] == [True, True, False, False]
    # SET LOCAL: the session's own setting is untouched for whatever it sends next.
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)
    execution.refresh_from_db()
    assert set(execution.steps.values_list("status", flat=True)) == {"succeeded"}


def test_a_checkpoint_inside_a_callers_transaction_is_never_relaxed(alice):
    workflow = Workflow.create(alice, "line", graph=line("a", "b"))
    start(workflow)
    with traced() as trace, transaction.atomic():
        _, claimed = start(workflow)
        engine.run_chain(claimed, budget_seconds=30)
    fused = [s for s in trace.statements if "held AS (UPDATE" in s]
    assert fused, trace.statements  # the fast path ran, joining the caller's transaction
    assert not any(RELAXED in s for s in fused)
