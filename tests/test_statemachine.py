"""The pure state machine: ordering, skips, merges, loops, failure — checked without I/O."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from executions.plan import compile_plan
from executions.statemachine import StepState, decide, sole_successor


def simulate(
    graph: dict, outcomes: dict[str, dict] | None = None, seed: int = 0, max_rounds: int = 500
):
    """Run the state machine to the end; pending steps 'run' in a random order.

    `outcomes[node_id]` may give {"handles": [...]} or {"fail": True}. Returns (order, states, result)."""
    outcomes = outcomes or {}
    plan = compile_plan(graph)
    rnd = random.Random(seed)
    states: dict[str, StepState] = {}
    order: list[str] = []
    for _ in range(max_rounds):
        decisions = decide(plan, states)
        for key, (node_id, status) in decisions.create.items():
            states[key] = StepState(key=key, node_id=node_id, status=status)
        for key, count in decisions.items_started.items():
            states[key] = replace(states[key], items_started=count)
        for key in decisions.finish_loops:
            states[key] = replace(states[key], status="succeeded", handles=("done",))
        if decisions.outcome:
            return order, states, decisions.outcome
        pending = [s for s in states.values() if s.status == "pending"]
        if (
            not pending
            and not decisions.create
            and not decisions.items_started
            and not decisions.finish_loops
        ):
            return order, states, None
        if pending:
            step = rnd.choice(pending)
            node = plan.nodes[step.node_id]
            outcome = outcomes.get(step.node_id, {})
            order.append(step.key)
            if node.type == "logic.loop":
                states[step.key] = replace(
                    step, status="waiting", items_total=outcome.get("items", 2)
                )
            elif outcome.get("fail"):
                states[step.key] = replace(step, status="failed")
            else:
                handles = tuple(
                    outcome.get(
                        "handles",
                        node.node_type.output_handles(None) if node.type != "logic.switch" else (),
                    )
                )
                states[step.key] = replace(step, status="succeeded", handles=handles)
    raise AssertionError("did not finish")


def noop(node_id: str) -> dict:
    return {"id": node_id, "type": "utility.merge", "config": {}}


TRIGGER = {"id": "start", "type": "trigger.manual", "config": {}}


@st.composite
def dags(draw):
    n = draw(st.integers(1, 10))
    names = [f"n{i}" for i in range(n)]
    pairs = [(a, b) for a, b in itertools.combinations(range(n), 2)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=20)) if pairs else []
    edges = [
        {"source": "start", "target": names[i]}
        for i in range(n)
        if not any(b == i for _, b in chosen)
    ]
    edges += [{"source": names[a], "target": names[b]} for a, b in chosen]
    return {"nodes": [TRIGGER] + [noop(x) for x in names], "edges": edges}


@settings(max_examples=150, deadline=None)
@given(dags(), st.integers(0, 10_000))
def test_every_node_runs_exactly_once_after_all_its_predecessors(graph, seed):
    order, _states, result = simulate(graph, seed=seed)
    assert result == "succeeded"
    assert sorted(order) == sorted(n["id"] for n in graph["nodes"])
    position = {key: i for i, key in enumerate(order)}
    for edge in graph["edges"]:
        assert position[edge["source"]] < position[edge["target"]]


def condition(node_id: str) -> dict:
    return {
        "id": node_id,
        "type": "logic.condition",
        "config": {"rules": [{"left": 1, "operator": "eq", "right": 1}]},
    }


def test_false_branch_is_skipped_and_the_skip_propagates_but_merge_runs():
    graph = {
        "nodes": [
            TRIGGER,
            condition("check"),
            noop("yes"),
            noop("no"),
            noop("after_no"),
            noop("join"),
        ],
        "edges": [
            {"source": "start", "target": "check"},
            {"source": "check", "source_handle": "true", "target": "yes"},
            {"source": "check", "source_handle": "false", "target": "no"},
            {"source": "no", "target": "after_no"},
            {"source": "yes", "target": "join"},
            {"source": "after_no", "target": "join"},
        ],
    }
    order, states, result = simulate(graph, {"check": {"handles": ["true"]}})
    assert result == "succeeded"
    assert states["no"].status == "skipped"
    assert states["after_no"].status == "skipped"
    assert states["join"].status == "succeeded"
    assert order.index("yes") < order.index("join")


def test_disabled_node_is_skipped_and_so_is_what_only_it_feeds():
    graph = {
        "nodes": [TRIGGER, {**noop("off"), "disabled": True}, noop("after")],
        "edges": [{"source": "start", "target": "off"}, {"source": "off", "target": "after"}],
    }
    _, states, result = simulate(graph)
    assert result == "succeeded"
    assert (states["off"].status, states["after"].status) == ("skipped", "skipped")


def test_an_unhandled_failure_ends_the_execution_as_failed():
    graph = {
        "nodes": [TRIGGER, noop("a"), noop("b")],
        "edges": [{"source": "start", "target": "a"}, {"source": "a", "target": "b"}],
    }
    _, states, result = simulate(graph, {"a": {"fail": True}})
    assert result == "failed"
    assert "b" not in states


def test_loop_runs_its_body_per_item_within_the_concurrency_limit_then_done():
    graph = {
        "nodes": [
            TRIGGER,
            {
                "id": "each",
                "type": "logic.loop",
                "config": {"items": [1, 2, 3, 4, 5], "concurrency": 2},
            },
            noop("work"),
            noop("check"),
            noop("after"),
        ],
        "edges": [
            {"source": "start", "target": "each"},
            {"source": "each", "source_handle": "each", "target": "work"},
            {"source": "work", "target": "check"},
            {"source": "each", "source_handle": "done", "target": "after"},
        ],
    }
    plan = compile_plan(graph)
    states: dict[str, StepState] = {}
    max_in_flight = 0
    for _ in range(200):
        d = decide(plan, states)
        for key, (node_id, status) in d.create.items():
            states[key] = StepState(key=key, node_id=node_id, status=status)
        for key, count in d.items_started.items():
            states[key] = replace(states[key], items_started=count)
        for key in d.finish_loops:
            states[key] = replace(states[key], status="succeeded", handles=("done",))
        if d.outcome:
            break
        items_in_flight = {
            k.split("[")[1] for k, s in states.items() if "[" in k and s.status == "pending"
        }
        max_in_flight = max(max_in_flight, len(items_in_flight))
        pending = sorted(s.key for s in states.values() if s.status == "pending")
        step = states[pending[0]]
        if step.node_id == "each":
            states[step.key] = replace(step, status="waiting", items_total=5)
        else:
            states[step.key] = replace(step, status="succeeded", handles=("main",))
    assert d.outcome == "succeeded"
    assert {k for k in states if k.startswith("work[")} == {f"work[{i}]" for i in range(5)}
    assert {k for k in states if k.startswith("check[")} == {f"check[{i}]" for i in range(5)}
    assert max_in_flight <= 2
    assert states["after"].status == "succeeded"


def test_empty_loop_goes_straight_to_done():
    graph = {
        "nodes": [
            TRIGGER,
            {"id": "each", "type": "logic.loop", "config": {"items": []}},
            noop("work"),
            noop("after"),
        ],
        "edges": [
            {"source": "start", "target": "each"},
            {"source": "each", "source_handle": "each", "target": "work"},
            {"source": "each", "source_handle": "done", "target": "after"},
        ],
    }
    _order, states, result = simulate(graph, {"each": {"items": 0}})
    assert result == "succeeded"
    assert "work[0]" not in states
    assert states["after"].status == "succeeded"


def test_nested_loops_use_nested_keys():
    graph = {
        "nodes": [
            TRIGGER,
            {"id": "outer", "type": "logic.loop", "config": {"items": [1, 2]}},
            {"id": "inner", "type": "logic.loop", "config": {"items": [1, 2]}},
            noop("leaf"),
        ],
        "edges": [
            {"source": "start", "target": "outer"},
            {"source": "outer", "source_handle": "each", "target": "inner"},
            {"source": "inner", "source_handle": "each", "target": "leaf"},
        ],
    }
    _, states, result = simulate(graph)
    assert result == "succeeded"
    assert {k for k in states if k.startswith("leaf")} == {
        "leaf[0][0]",
        "leaf[0][1]",
        "leaf[1][0]",
        "leaf[1][1]",
    }


@st.composite
def dags_with_branches(draw):
    """Random DAGs whose nodes are no-ops or conditions (some disabled), with each condition's
    outcome drawn too."""
    graph = draw(dags())
    outcomes: dict[str, dict] = {}
    for i, node in enumerate(graph["nodes"][1:], start=1):
        if draw(st.booleans()):
            graph["nodes"][i] = condition(node["id"])
            outcomes[node["id"]] = {"handles": [draw(st.sampled_from(["true", "false"]))]}
        graph["nodes"][i]["disabled"] = draw(st.integers(0, 9)) == 0
    for edge in graph["edges"]:
        if graph_node(graph, edge["source"])["type"] == "logic.condition":
            edge["source_handle"] = draw(st.sampled_from(["true", "false"]))
    return graph, outcomes


def graph_node(graph: dict, node_id: str) -> dict:
    return next(n for n in graph["nodes"] if n["id"] == node_id)


@settings(max_examples=200, deadline=None)
@given(dags_with_branches(), st.integers(0, 10_000))
def test_the_sole_successor_shortcut_is_what_decide_would_do(case, seed):
    """Whenever the engine skips reading the other steps (`sole_successor`), `decide` on the
    full state gives exactly that decision: the one successor becomes ready, nothing else."""
    graph, outcomes = case
    plan = compile_plan(graph)
    rnd = random.Random(seed)
    states: dict[str, StepState] = {}
    for _ in range(200):
        decisions = decide(plan, states)
        for key, (node_id, status) in decisions.create.items():
            states[key] = StepState(key=key, node_id=node_id, status=status)
        if decisions.outcome:
            break
        pending = [s for s in states.values() if s.status == "pending"]
        if not pending:
            break
        step = rnd.choice(pending)
        node = plan.nodes[step.node_id]
        handles = outcomes.get(step.node_id, {}).get("handles", node.node_type.output_handles(None))
        states[step.key] = finished = replace(step, status="succeeded", handles=tuple(handles))
        target = sole_successor(plan, finished)
        if target is not None:
            expected = decide(plan, states)
            assert expected.create == {target: (target, "pending")}
            assert not (expected.items_started or expected.finish_loops or expected.outcome)
    assert decisions.outcome == "succeeded"


def test_sole_successor_applies_to_a_plain_chain_only():
    chain = {
        "nodes": [TRIGGER, noop("a"), noop("b"), noop("c")],
        "edges": [
            {"source": "start", "target": "a"},
            {"source": "a", "target": "b"},
            {"source": "a", "target": "c"},
            {"source": "b", "target": "c"},
        ],
    }
    plan = compile_plan(chain)
    done = StepState(key="start", node_id="start", status="succeeded", handles=("main",))
    assert sole_successor(plan, done) == "a"
    # a feeds two nodes, and c (a merge) has two inputs: both need the full state
    a_done = StepState(key="a", node_id="a", status="succeeded", handles=("main",))
    b_done = StepState(key="b", node_id="b", status="succeeded", handles=("main",))
    assert sole_successor(plan, a_done) is None
    assert sole_successor(plan, b_done) is None
    assert sole_successor(plan, replace(done, status="running")) is None
