"""The fast path's decision (`fastpath.follows`): whenever it says what follows a finished step
without reading the other steps, `statemachine.decide` on the full state says the same.

The statements themselves run on PostgreSQL only: tests/integration/test_round_trips.py."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from executions.engine.fastpath import Next, ends_line, follows
from executions.plan import compile_plan
from executions.statemachine import StepState, decide

TRIGGER = {"id": "start", "type": "trigger.manual", "config": {}}


def noop(node_id: str) -> dict[str, Any]:
    return {"id": node_id, "type": "utility.merge", "config": {}}


def condition(node_id: str) -> dict[str, Any]:
    rules = [{"left": 1, "operator": "eq", "right": 1}]
    return {"id": node_id, "type": "logic.condition", "config": {"rules": rules}}


def line(*nodes: dict[str, Any]) -> dict[str, Any]:
    ids = ["start", *(n["id"] for n in nodes)]
    edges = [{"source": a, "target": b} for a, b in itertools.pairwise(ids)]
    return {"nodes": [TRIGGER, *nodes], "edges": edges}


@st.composite
def graphs(draw: Any) -> dict[str, Any]:
    """Straight lines (the fast path's case) as often as other DAGs; nodes are no-ops or
    conditions, some disabled, some handling their errors (`continue` or `route`)."""
    n = draw(st.integers(1, 7))
    names = [f"n{i}" for i in range(n)]
    if draw(st.booleans()):
        pairs = list(itertools.pairwise(range(n)))
    else:
        every = list(itertools.combinations(range(n), 2))
        pairs = draw(st.lists(st.sampled_from(every), unique=True, max_size=12)) if every else []
    nodes = []
    for name in names:
        node = condition(name) if draw(st.integers(0, 3)) == 0 else noop(name)
        node["disabled"] = draw(st.integers(0, 9)) == 0
        node["on_error"] = draw(st.sampled_from(["fail", "continue", "route"]))
        nodes.append(node)
    edges = [
        {"source": "start", "target": names[i]}
        for i in range(n)
        if not any(b == i for _, b in pairs)
    ]
    for a, b in pairs:
        edge = {"source": names[a], "target": names[b]}
        if nodes[a]["type"] == "logic.condition":
            edge["source_handle"] = draw(st.sampled_from(["true", "false"]))
        edges.append(edge)
    return {"nodes": [TRIGGER, *nodes], "edges": edges}


def finish(node: dict[str, Any], step: StepState, rnd: random.Random) -> StepState:
    """A step's end as a worker would store it: success on a handle, or a failure."""
    if step.node_id == "start" or rnd.random() < 0.7:
        handles = (rnd.choice(["true", "false"]),) if node["type"] == "logic.condition" else ()
        return replace(step, status="succeeded", handles=handles or ("main",))
    on_error = node.get("on_error", "fail")
    if on_error == "fail":
        return replace(step, status="failed")
    handles = ("error",) if on_error == "route" else ("main",)
    return replace(step, status="failed", error_handled=True, handles=handles)


@settings(max_examples=300, deadline=None)
@given(graphs(), st.integers(0, 10_000))
def test_what_the_fast_path_decides_is_what_decide_would_do(graph, seed):
    plan = compile_plan(graph)
    nodes = {n["id"]: n for n in graph["nodes"]}
    rnd = random.Random(seed)
    states: dict[str, StepState] = {}
    taken = 0
    for _ in range(100):
        decisions = decide(plan, states)
        for key, (node_id, status) in decisions.create.items():
            states[key] = StepState(key=key, node_id=node_id, status=status)
        if decisions.outcome:
            break
        pending = [s for s in states.values() if s.status == "pending"]
        if not pending:
            break
        step = rnd.choice(pending)
        states[step.key] = finished = finish(nodes[step.node_id], step, rnd)
        after = follows(plan, finished)
        if after is None:
            continue
        taken += 1
        expected = decide(plan, states)
        assert not (expected.items_started or expected.finish_loops or expected.end_rounds)
        if after.successor is not None:
            assert expected.create == {after.successor: (after.successor, "pending")}
            assert expected.outcome is None
        else:
            assert expected.create == {}
            assert expected.outcome == "succeeded"
    assert taken <= len(plan.nodes)


def test_a_straight_line_hands_over_step_by_step_and_its_last_step_ends_the_run():
    plan = compile_plan(line(noop("a"), noop("b")))

    def done(node_id: str) -> StepState:
        return StepState(key=node_id, node_id=node_id, status="succeeded", handles=("main",))

    assert follows(plan, done("start")) == Next("a")
    assert follows(plan, done("a")) == Next("b")
    assert follows(plan, done("b")) == Next(None)


def test_failures_and_unfired_handles_take_the_general_path():
    plan = compile_plan(line(condition("check"), noop("b")))
    check = StepState(key="check", node_id="check", status="succeeded", handles=("false",))
    assert follows(plan, check) is None  # its successor is skipped: decide says so
    handled = replace(check, status="failed", error_handled=True, handles=("main",))
    assert follows(plan, handled) is None
    assert follows(plan, replace(check, status="failed")) is None
    assert follows(plan, replace(check, status="running")) is None


def test_only_the_last_node_of_a_straight_line_ends_the_run():
    assert ends_line(compile_plan(line(noop("a"), noop("b"))), "b")
    assert not ends_line(compile_plan(line(noop("a"), noop("b"))), "a")
    branches = line(noop("a"), noop("b"))
    branches["nodes"].append(noop("c"))
    branches["edges"].append({"source": "start", "target": "c"})
    assert not ends_line(compile_plan(branches), "b")  # c may still be running
    assert not ends_line(compile_plan(branches), "c")
    disabled = line(noop("a"), {**noop("b"), "disabled": True}, noop("c"))
    assert not ends_line(compile_plan(disabled), "c")
    looped = {
        "nodes": [
            TRIGGER,
            {"id": "each", "type": "logic.loop", "config": {"items": "{{ trigger }}"}},
            noop("body"),
        ],
        "edges": [
            {"source": "start", "target": "each"},
            {"source": "each", "source_handle": "each", "target": "body"},
        ],
    }
    plan = compile_plan(looped)
    assert not ends_line(plan, "body")
    assert not ends_line(plan, "each")
