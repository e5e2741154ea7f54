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
    graph: dict,
    outcomes: dict[str, dict] | None = None,
    seed: int = 0,
    max_rounds: int = 500,
    trace: list[tuple[str, str]] | None = None,
):
    """Run the state machine to the end; pending steps 'run' in a random order, and repeats
    waiting for their delay are woken at random moments (the sweep).

    `outcomes[node_id]` may give {"handles": [...]} or {"fail": True}; a loop's {"items": n}; a
    repeat's {"rounds": [bool, ...]} (whether `until` holds after each round) and {"delay":
    True} (it waits between rounds). The simulation plays the engine's part for repeats
    (`end_rounds`), as `executions/engine/repeats.py` does. `trace` collects ("start" | "end",
    key) in order. Returns (order, states, result)."""
    outcomes = outcomes or {}
    plan = compile_plan(graph)
    rnd = random.Random(seed)
    states: dict[str, StepState] = {}
    order: list[str] = []
    trace = [] if trace is None else trace
    for _ in range(max_rounds):
        decisions = decide(plan, states)
        for key, (node_id, status) in decisions.create.items():
            states[key] = StepState(key=key, node_id=node_id, status=status)
            trace.append(("start", key))
            if status == "skipped":
                trace.append(("end", key))
        for key, count in decisions.items_started.items():
            states[key] = replace(states[key], items_started=count)
        for key in decisions.finish_loops:
            states[key] = replace(states[key], status="succeeded", handles=("done",))
            trace.append(("end", key))
        for key in decisions.end_rounds:
            states[key] = end_round(plan, states[key], outcomes.get(states[key].node_id, {}))
            if states[key].finished:
                trace.append(("end", key))
        if decisions.outcome:
            return order, states, decisions.outcome
        if decisions.end_rounds:
            continue  # the engine decides again in the same transaction
        pending = [s for s in states.values() if s.status == "pending"]
        timers = [s for s in states.values() if s.timer]
        if not pending and not timers and decisions.empty:
            return order, states, None
        if timers and (not pending or rnd.random() < 0.3):
            woken = rnd.choice(timers)
            states[woken.key] = replace(woken, status="pending", timer=False)
        elif pending:
            step = rnd.choice(pending)
            node = plan.nodes[step.node_id]
            outcome = outcomes.get(step.node_id, {})
            order.append(step.key)
            if node.type == "logic.loop":
                states[step.key] = replace(
                    step, status="waiting", items_total=outcome.get("items", 2)
                )
            elif node.type == "logic.repeat":
                # First run: round 0 may start; woken after a delay: the next round may.
                rounds = 1 if step.items_total is None else step.items_started + 1
                states[step.key] = replace(step, status="waiting", items_total=rounds)
            elif outcome.get("fail"):
                states[step.key] = replace(step, status="failed")
                trace.append(("end", step.key))
            else:
                handles = tuple(
                    outcome.get(
                        "handles",
                        node.node_type.output_handles(None) if node.type != "logic.switch" else (),
                    )
                )
                states[step.key] = replace(step, status="succeeded", handles=handles)
                trace.append(("end", step.key))
    raise AssertionError("did not finish")


def end_round(plan, step: StepState, outcome: dict) -> StepState:
    """What the engine does with a repeat whose round finished: done, exhausted, a delay, or
    the next round at once."""
    rounds = step.items_started
    if outcome.get("rounds", [])[rounds - 1 : rounds] == [True]:
        return replace(step, status="succeeded", handles=("done",))
    if rounds >= plan.nodes[step.node_id].config.get("max_iterations", 10):
        return replace(step, status="succeeded", handles=("exhausted",))
    if outcome.get("delay"):
        return replace(step, timer=True)
    return replace(step, items_total=rounds + 1)


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


# --- repeat: logic.repeat rounds ---


def repeat_node(max_iterations: int) -> dict:
    until = {"rules": [{"left": 1, "operator": "eq", "right": 1}]}
    return {
        "id": "again",
        "type": "logic.repeat",
        "config": {"max_iterations": max_iterations, "until": until},
    }


@st.composite
def repeat_cases(draw):
    """A repeat whose body is a random DAG of no-ops and conditions (some disabled), maybe
    inside a loop; with whether `until` holds after each round, and whether the repeat waits
    between rounds."""
    size = draw(st.integers(1, 4))
    body = [f"b{i}" for i in range(size)]
    pairs = list(itertools.combinations(range(size), 2))
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=5)) if pairs else []
    nodes = [noop(b) for b in body]
    outcomes: dict[str, dict] = {}
    for node in nodes:
        if draw(st.integers(0, 3)) == 0:
            node.update(condition(node["id"]))
            outcomes[node["id"]] = {"handles": [draw(st.sampled_from(["true", "false"]))]}
        node["disabled"] = draw(st.integers(0, 9)) == 0
    edges = [
        {"source": "again", "source_handle": "body", "target": body[i]}
        for i in range(size)
        if not any(b == i for _, b in chosen)
    ]
    for a, b in chosen:
        edge = {"source": body[a], "target": body[b]}
        if nodes[a]["type"] == "logic.condition":
            edge["source_handle"] = draw(st.sampled_from(["true", "false"]))
        edges.append(edge)
    max_iterations = draw(st.integers(1, 5))
    nodes += [repeat_node(max_iterations), noop("on_done"), noop("on_exhausted")]
    edges += [
        {"source": "again", "source_handle": "done", "target": "on_done"},
        {"source": "again", "source_handle": "exhausted", "target": "on_exhausted"},
    ]
    if draw(st.booleans()):
        nodes.append(
            {"id": "each", "type": "logic.loop", "config": {"items": [], "concurrency": 2}}
        )
        edges += [
            {"source": "start", "target": "each"},
            {"source": "each", "source_handle": "each", "target": "again"},
        ]
        outcomes["each"] = {"items": draw(st.integers(0, 3))}
    else:
        edges.append({"source": "start", "target": "again"})
    holds = draw(st.lists(st.booleans(), min_size=max_iterations, max_size=max_iterations))
    outcomes["again"] = {"rounds": holds, "delay": draw(st.booleans())}
    return {"nodes": [TRIGGER, *nodes], "edges": edges}, outcomes, body


@settings(max_examples=200, deadline=None)
@given(repeat_cases(), st.integers(0, 10_000))
def test_repeat_runs_each_round_once_in_turn_and_leaves_by_one_handle(case, seed):
    graph, outcomes, body = case
    trace: list[tuple[str, str]] = []
    order, states, result = simulate(graph, outcomes, seed=seed, max_rounds=2000, trace=trace)
    assert result == "succeeded"
    others = [key for key in order if not key.startswith("again")]
    assert len(others) == len(set(others))  # no step ran twice
    holds = outcomes["again"]["rounds"]
    expected_rounds = holds.index(True) + 1 if True in holds else len(holds)
    expected_handle = "done" if True in holds else "exhausted"
    repeats = [s for s in states.values() if s.node_id == "again"]
    assert len(repeats) == outcomes.get("each", {}).get("items", 1)
    position = {event: i for i, event in enumerate(trace)}
    for repeat in repeats:
        scope = repeat.key.removeprefix("again")  # "" or "[j]"
        assert repeat.handles == (expected_handle,)
        assert repeat.items_started == expected_rounds
        # The repeat step runs once, and once more after each delay between rounds.
        waits = expected_rounds - 1 if outcomes["again"]["delay"] else 0
        assert order.count(repeat.key) == 1 + waits
        rounds = [[f"{b}{scope}[{i}]" for b in body] for i in range(expected_rounds)]
        assert all(key in states for keys in rounds for key in keys)
        assert not any(f"{b}{scope}[{expected_rounds}]" in states for b in body)
        for earlier, later in itertools.pairwise(rounds):
            assert max(position[("end", k)] for k in earlier) < min(
                position[("start", k)] for k in later
            )
        ran = {handle: states[f"on_{handle}{scope}"].status for handle in ("done", "exhausted")}
        assert ran[expected_handle] == "succeeded"
        assert ran[{"done": "exhausted", "exhausted": "done"}[expected_handle]] == "skipped"


def test_a_repeat_waiting_for_its_delay_decides_nothing_until_woken():
    graph = {
        "nodes": [TRIGGER, repeat_node(3), noop("work")],
        "edges": [
            {"source": "start", "target": "again"},
            {"source": "again", "source_handle": "body", "target": "work"},
        ],
    }
    plan = compile_plan(graph)
    states = {
        "start": StepState("start", "start", "succeeded", ("main",)),
        "again": StepState("again", "again", "waiting", items_total=1, items_started=1),
        "work[0]": StepState("work[0]", "work", "succeeded", ("main",)),
    }
    assert decide(plan, states).end_rounds == ["again"]
    states["again"] = replace(states["again"], timer=True)
    assert decide(plan, states).empty
    # Woken and running (letting the next round start): still nothing to decide for it.
    states["again"] = replace(states["again"], status="running", timer=False)
    assert decide(plan, states).empty
    states["again"] = replace(states["again"], status="waiting", items_total=2)
    assert decide(plan, states).items_started == {"again": 2}


# --- end repeat ---
