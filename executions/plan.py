"""A workflow version compiled for running: nodes, edges, bodies (of loops and repeats) and step
keys.

Pure and cached per version; the state machine and the engine read it, never the raw JSON.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from editor.graph import Graph, RetryPolicy, ancestors, topological_order
from editor.nodes import NODE_TYPES
from editor.nodes.base import NodeType
from editor.validation import loop_bodies

DEFAULT_RETRY = RetryPolicy()

Scope = tuple[int, ...]


@dataclass(frozen=True)
class PlanNode:
    id: str
    type: str
    node_type: NodeType
    config: dict[str, Any]
    retry: RetryPolicy
    on_error: str
    disabled: bool
    # Enclosing loops and repeats (each body is a scope: its steps are keyed per item or round),
    # outermost first.
    loops: tuple[str, ...]

    @property
    def depth(self) -> int:
        return len(self.loops)


@dataclass(frozen=True)
class Plan:
    nodes: dict[str, PlanNode]
    order: tuple[str, ...]
    trigger: str
    incoming: dict[str, tuple[tuple[str, str], ...]]  # node -> ((source, handle), ...)
    ancestors: dict[str, frozenset[str]]
    body: dict[str, frozenset[str]]  # loop/repeat -> nodes in its body (nested bodies included)
    # loop/repeat -> the last nodes of its body: those directly in it (not in a nested body)
    # with no successor directly in it. Their outputs are a loop's results, a repeat's `last`.
    body_sinks: dict[str, tuple[str, ...]]
    successors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # node -> (target, handle) where the node's only edge leads to a node with no other input,
    # neither of them in a body, a loop or repeat, or disabled: see `statemachine.sole_successor`.
    chained: dict[str, tuple[str, str]] = field(default_factory=dict)

    def concurrency(self, loop_id: str) -> int:
        value = self.nodes[loop_id].config.get("concurrency", 1)
        return value if isinstance(value, int) and value >= 1 else 1

    def direct_body(self, container: str) -> frozenset[str]:
        """The nodes directly in a loop's (repeat's) body, not in a body nested in it."""
        around = (*self.nodes[container].loops, container)
        return frozenset(m for m in self.body.get(container, ()) if self.nodes[m].loops == around)

    def body_result(self, container: str, outputs: Mapping[str, Any]) -> Any:
        """What one run of a body came to, from its nodes' outputs by id: the output of its last
        node, or of each of its last nodes by id when it ends in several."""
        sinks = self.body_sinks.get(container, ())
        if len(sinks) == 1:
            return outputs.get(sinks[0])
        return {sink: outputs.get(sink) for sink in sinks}

    def key(self, node_id: str, scope: Scope) -> str:
        """Step key of a node in a loop scope: `node`, `node[2]`, `node[2][0]`."""
        depth = self.nodes[node_id].depth
        return node_id + "".join(f"[{i}]" for i in scope[:depth])


def parse_key(key: str) -> tuple[str, Scope]:
    node_id, _, rest = key.partition("[")
    if not rest:
        return node_id, ()
    return node_id, tuple(int(part) for part in rest.rstrip("]").split("]["))


def entry_trigger(graph_json: dict[str, Any], wanted: str = "", node_type: str = "") -> str:
    """The trigger node an execution starts at: `wanted` if the graph has that trigger, else
    the graph's first trigger of `node_type`, else its first trigger ("" when it has none)."""
    triggers = [
        (str(n.get("id", "")), str(n.get("type", "")))
        for n in graph_json.get("nodes", [])
        if str(n.get("type", "")).startswith("trigger.")
    ]
    if wanted in (node_id for node_id, _ in triggers):
        return wanted
    for node_id, type_name in triggers:
        if type_name == node_type:
            return node_id
    return triggers[0][0] if triggers else ""


def compile_plan(graph_json: dict[str, Any], trigger: str = "") -> Plan:
    """The plan of an execution started at `trigger` (default: the first trigger): only the
    nodes reachable from it, and only the edges between those (DESIGN §3, several triggers)."""
    full = Graph.model_validate(graph_json)
    trigger = entry_trigger(graph_json, trigger)
    reachable = _reachable(trigger, [(e.source, e.target) for e in full.edges])
    graph = Graph.model_construct(
        nodes=[n for n in full.nodes if n.id in reachable],
        edges=[e for e in full.edges if e.source in reachable and e.target in reachable],
    )
    ids = [n.id for n in graph.nodes]
    pairs = [(e.source, e.target) for e in graph.edges]
    order = topological_order(ids, pairs)
    inside = loop_bodies(graph)
    body: dict[str, set[str]] = defaultdict(set)
    for node_id, loops in inside.items():
        for loop in loops:
            body[loop].add(node_id)

    def enclosing(node_id: str) -> tuple[str, ...]:
        # Outer loops contain the inner loop node too, so more containers = deeper.
        loops = inside.get(node_id, set())
        return tuple(sorted(loops, key=lambda loop: len(inside.get(loop, set()))))

    nodes = {}
    for n in graph.nodes:
        node_type = NODE_TYPES[n.type]
        nodes[n.id] = PlanNode(
            id=n.id,
            type=n.type,
            node_type=node_type,
            config=n.config,
            retry=n.retry or DEFAULT_RETRY,
            on_error=n.on_error,
            disabled=n.disabled,
            loops=enclosing(n.id),
        )
    incoming: dict[str, list[tuple[str, str]]] = defaultdict(list)
    successors: dict[str, list[str]] = defaultdict(list)
    for e in graph.edges:
        incoming[e.target].append((e.source, e.source_handle))
        successors[e.source].append(e.target)

    def direct(container: str) -> set[str]:
        around = inside.get(container, set()) | {container}
        return {m for m in body[container] if inside.get(m) == around}

    sinks = {
        container: tuple(
            n for n in order if n in members and not any(s in members for s in successors[n])
        )
        for container, members in ((c, direct(c)) for c in body)
    }

    def plain(node_id: str) -> bool:
        node = nodes[node_id]
        return not node.loops and node.node_type.body_handle is None and not node.disabled

    chained = {
        source: (targets[0], incoming[targets[0]][0][1])
        for source, targets in successors.items()
        if len(targets) == 1
        and len(incoming[targets[0]]) == 1
        and plain(source)
        and plain(targets[0])
    }
    return Plan(
        nodes=nodes,
        order=tuple(order),
        trigger=trigger,
        incoming={k: tuple(v) for k, v in incoming.items()},
        ancestors={n: frozenset(ancestors(n, pairs)) for n in ids},
        body={k: frozenset(v) for k, v in body.items()},
        body_sinks=sinks,
        successors={k: tuple(v) for k, v in successors.items()},
        chained=chained,
    )


def _reachable(start: str, pairs: list[tuple[str, str]]) -> set[str]:
    after: dict[str, list[str]] = defaultdict(list)
    for source, target in pairs:
        after[source].append(target)
    seen, todo = {start}, [start]
    while todo:
        for target in after[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def plan_for(version_id: int, load_graph: Callable[[], dict[str, Any]], trigger: str = "") -> Plan:
    """Versions never change, so their plans are cached per process by version and trigger."""
    plan = _PLANS.get((version_id, trigger))
    if plan is None:
        plan = compile_plan(load_graph(), trigger)
        if len(_PLANS) > 512:
            _PLANS.clear()
        _PLANS[(version_id, trigger)] = plan
    return plan


_PLANS: dict[tuple[int, str], Plan] = {}
