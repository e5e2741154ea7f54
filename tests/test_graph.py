"""Graph structure: validation messages and hypothesis properties of the graph operations."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from editor.graph import (
    add_node,
    ancestors,
    find_cycle,
    remove_node,
    starter_graph,
    topological_order,
    validate_structure,
)

DESIGN_EXAMPLE = {
    "nodes": [
        {
            "id": "hook",
            "type": "trigger.webhook",
            "label": "Order webhook",
            "position": {"x": 0, "y": 0},
            "config": {},
        },
        {
            "id": "get_user",
            "type": "action.http",
            "label": "Fetch user",
            "position": {"x": 240, "y": 0},
            "config": {
                "method": "GET",
                "url": "https://api.example.com/users/{{ trigger.body.user_id }}",
                "credential": 12,
            },
            "retry": {
                "max_attempts": 3,
                "initial_delay_ms": 1000,
                "multiplier": 2,
                "max_delay_ms": 60000,
            },
        },
        {
            "id": "big",
            "type": "logic.condition",
            "config": {
                "combinator": "and",
                "rules": [
                    {"left": "{{ nodes.get_user.body.orders }}", "operator": "gt", "right": 10}
                ],
            },
        },
        {
            "id": "notify",
            "type": "action.http",
            "config": {"method": "POST", "url": "https://example.com"},
        },
    ],
    "edges": [
        {"source": "hook", "target": "get_user"},
        {"source": "get_user", "target": "big"},
        {"source": "big", "source_handle": "true", "target": "notify"},
    ],
}


def node(node_id: str, node_type: str = "utility.merge") -> dict:
    return {"id": node_id, "type": node_type, "config": {}}


def test_design_example_is_structurally_valid():
    assert validate_structure(DESIGN_EXAMPLE) == []


def test_starter_graph_is_valid():
    assert validate_structure(starter_graph()) == []


def test_cycle_is_named_in_the_message():
    graph = {
        "nodes": [node("start", "trigger.manual"), node("a"), node("b"), node("c")],
        "edges": [
            {"source": "start", "target": "a"},
            {"source": "a", "target": "b"},
            {"source": "b", "target": "c"},
            {"source": "c", "target": "a"},
        ],
    }
    issues = validate_structure(graph)
    assert len(issues) == 1
    assert issues[0].field == "edges"
    assert "a → b → c → a" in issues[0].message


def test_missing_trigger_and_two_triggers_of_a_kind_are_reported():
    assert (
        "at least one trigger" in validate_structure({"nodes": [node("a")], "edges": []})[0].message
    )
    kinds = {"nodes": [node("t1", "trigger.manual"), node("t2", "trigger.webhook")], "edges": []}
    assert validate_structure(kinds) == []
    two = {"nodes": [node("t1", "trigger.webhook"), node("t2", "trigger.webhook")], "edges": []}
    (issue,) = validate_structure(two)
    assert issue.node_id == "t2" and issue.field == "type"
    assert "only one 'trigger.webhook' trigger; 't1' is already one" in issue.message


def test_edges_must_join_existing_nodes_and_never_enter_a_trigger():
    graph = {
        "nodes": [node("start", "trigger.manual"), node("a")],
        "edges": [{"source": "a", "target": "ghost"}, {"source": "a", "target": "start"}],
    }
    issues = {(i.field, i.node_id): i.message for i in validate_structure(graph)}
    assert "'ghost' is not a node" in issues[("edges[0].target", None)]
    assert "nothing can connect into it" in issues[("edges[1].target", "start")]


def test_bad_node_ids_and_duplicates_are_reported_on_the_node():
    graph = {
        "nodes": [node("start", "trigger.manual"), node("Bad-Id"), node("x"), node("x")],
        "edges": [],
    }
    issues = [(i.node_id, i.field) for i in validate_structure(graph)]
    assert ("Bad-Id", "id") in issues
    assert ("x", "id") in issues


def test_shape_errors_name_the_node_and_field():
    graph = {
        "nodes": [
            {
                "id": "start",
                "type": "trigger.manual",
                "sourceHandle": "x",
                "position": {"x": "left"},
            }
        ]
    }
    issues = {(i.node_id, i.field): i.message for i in validate_structure(graph)}
    assert issues[("start", "sourceHandle")] == "Unknown field 'sourceHandle'."
    assert ("start", "position.x") in issues
    assert validate_structure("not a graph")[0].field == "graph"
    assert validate_structure({"nodes": [{"type": "trigger.manual"}]})[0].field == "nodes[0].id"


# --- properties ---------------------------------------------------------------------------

node_names = st.lists(
    st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True), min_size=1, max_size=9, unique=True
)


@st.composite
def digraphs(draw, acyclic: bool = False):
    names = draw(node_names)
    pairs = [
        (a, b)
        for a, b in itertools.product(range(len(names)), repeat=2)
        if (a < b if acyclic else True)
    ]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=20)) if pairs else []
    return names, [(names[a], names[b]) for a, b in chosen]


def brute_force_has_cycle(names: list[str], edges: list[tuple[str, str]]) -> bool:
    reach = {(a, b) for a, b in edges}
    for k in names:  # Floyd-Warshall transitive closure
        for i in names:
            for j in names:
                if (i, k) in reach and (k, j) in reach:
                    reach.add((i, j))
    return any((n, n) in reach for n in names)


@given(digraphs())
def test_cycle_detection_agrees_with_brute_force(graph):
    names, edges = graph
    cycle = find_cycle(names, edges)
    assert (cycle is not None) == brute_force_has_cycle(names, edges)
    if cycle:
        assert cycle[0] == cycle[-1]
        assert all((a, b) in edges for a, b in itertools.pairwise(cycle))


@given(digraphs(acyclic=True), st.randoms())
def test_topological_order_respects_every_edge(graph, rnd):
    names, edges = graph
    shuffled = list(names)
    rnd.shuffle(shuffled)
    order = topological_order(shuffled, edges)
    assert sorted(order) == sorted(names)
    position = {n: i for i, n in enumerate(order)}
    assert all(position[a] < position[b] for a, b in edges)


@given(digraphs(acyclic=True))
def test_ancestors_are_exactly_the_nodes_that_reach_a_node(graph):
    names, edges = graph
    target = names[-1]
    found = ancestors(target, edges)
    for candidate in names:
        assert (candidate in found) == brute_force_reaches(candidate, target, edges)


def brute_force_reaches(source: str, target: str, edges: list[tuple[str, str]]) -> bool:
    frontier, seen = {source}, set()
    while frontier:
        current = frontier.pop()
        seen.add(current)
        for a, b in edges:
            if a == current:
                if b == target:
                    return True
                if b not in seen:
                    frontier.add(b)
    return False


def as_graph(names: list[str], edges: list[tuple[str, str]]) -> dict:
    nodes = [node("start", "trigger.manual")] + [node(f"n_{n}") for n in names]
    return {
        "nodes": nodes,
        "edges": [{"source": "start", "target": f"n_{names[0]}"}]
        + [{"source": f"n_{a}", "target": f"n_{b}"} for a, b in edges],
    }


@given(digraphs(acyclic=True), st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True))
def test_adding_a_node_adds_exactly_one(graph, new_id):
    before = as_graph(*graph)
    after = add_node(before, node(f"new_{new_id}"))
    assert len(after["nodes"]) == len(before["nodes"]) + 1
    assert after["edges"] == before["edges"]
    assert validate_structure(after) == []


@given(digraphs(acyclic=True), st.data())
def test_deleting_a_node_removes_its_edges_and_keeps_the_graph_valid(graph, data):
    before = as_graph(*graph)
    victim = data.draw(st.sampled_from([n["id"] for n in before["nodes"] if n["id"] != "start"]))
    after = remove_node(before, victim)
    assert [n["id"] for n in after["nodes"]] == [
        n["id"] for n in before["nodes"] if n["id"] != victim
    ]
    assert all(victim not in (e["source"], e["target"]) for e in after["edges"])
    kept = [e for e in before["edges"] if victim not in (e["source"], e["target"])]
    assert after["edges"] == kept
    assert validate_structure(after) == []


@settings(max_examples=25, deadline=None)
@given(digraphs(acyclic=True))
def test_save_and_load_round_trip_preserves_the_graph(django_db_setup, django_db_blocker, graph):
    from django.contrib.auth import get_user_model

    from editor.models import Workflow

    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            user = get_user_model().objects.create(
                username="roundtrip", email="roundtrip@example.com"
            )
            original = as_graph(*graph)
            workflow = Workflow.create(user, "round trip", graph=original)
            assert Workflow.objects.get(pk=workflow.pk).graph == original
            assert workflow.versions.get(number=1).graph == original
            transaction.set_rollback(True)
