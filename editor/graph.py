"""The workflow graph (DESIGN §3): its shape, structural validation and traversal.

Pure functions over the JSON a workflow stores; no Django. Node-type checks (handles, config
schemas, templates) build on this in `editor.validation`.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

NODE_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
TRIGGER_PREFIX = "trigger."


class Position(BaseModel):
    model_config = ConfigDict(extra="forbid")
    x: float = 0
    y: float = 0


class RetryPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_attempts: int = Field(3, ge=1, description="Attempts in all, the first included.")
    initial_delay_ms: int = Field(1000, ge=0)
    multiplier: float = Field(2, ge=1)
    max_delay_ms: int = Field(60000, ge=0)


class Node(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    type: str
    label: str = ""
    notes: str = ""
    position: Position = Field(default_factory=Position)
    config: dict[str, Any] = Field(default_factory=dict)
    retry: RetryPolicy | None = None
    on_error: Literal["fail", "continue", "route"] = "fail"
    disabled: bool = False


class Edge(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | None = None
    source: str
    target: str
    source_handle: str = "main"
    target_handle: str | None = None


class Graph(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nodes: list[Node] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)


@dataclass(frozen=True)
class GraphIssue:
    """One problem, placed where a page can show it: on a node's field, or on the graph."""

    node_id: str | None
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class GraphInvalid(Exception):
    def __init__(self, issues: list[GraphIssue]):
        self.issues = issues
        super().__init__("; ".join(i.message for i in issues))


class ImportRefused(Exception):
    """A file that cannot be imported as a workflow; `issues` says why, node by node."""

    def __init__(self, issues: list[GraphIssue]):
        self.issues = issues
        super().__init__("; ".join(i.message for i in issues))


def starter_graph() -> dict[str, Any]:
    """What a new workflow starts with: a manual trigger, so it is valid and runnable at once."""
    return {
        "nodes": [
            {
                "id": "start",
                "type": "trigger.manual",
                "label": "Manual trigger",
                "position": {"x": 0, "y": 0},
                "config": {},
            }
        ],
        "edges": [],
    }


# Far above what a person draws (the editor is kept smooth at 200 nodes): it bounds the time
# one save, import or run plan of a user's graph can take in a web or worker process.
MAX_NODES = 1000
MAX_EDGES = 5 * MAX_NODES


def size_issues(nodes: Any, edges: Any) -> list[GraphIssue]:
    """A graph (or an n8n export) with more nodes or edges than a workflow may hold."""
    issues = []
    for name, found, most in (("nodes", nodes, MAX_NODES), ("edges", edges, MAX_EDGES)):
        if isinstance(found, list | dict) and len(found) > most:
            issues.append(
                GraphIssue(
                    None,
                    name,
                    f"A workflow holds at most {most} {name}; this one has {len(found)}. Split "
                    "it into workflows that call each other (Call a workflow).",
                )
            )
    return issues


def parse(graph: Any) -> tuple[Graph | None, list[GraphIssue]]:
    """Check the JSON shape; returns the parsed graph, or None with issues naming each field."""
    if isinstance(graph, dict):
        too_big = size_issues(graph.get("nodes"), graph.get("edges"))
        if too_big:
            return None, too_big
    try:
        return Graph.model_validate(graph), []
    except ValidationError as exc:
        return None, [_shape_issue(graph, err) for err in exc.errors()]


def _shape_issue(raw: Any, err: Any) -> GraphIssue:
    loc = list(err["loc"])
    node_id = None
    if len(loc) >= 2 and loc[0] == "nodes" and isinstance(loc[1], int):
        try:
            candidate = raw["nodes"][loc[1]].get("id")
            node_id = candidate if isinstance(candidate, str) else None
        except (KeyError, IndexError, TypeError, AttributeError):
            node_id = None
        if node_id is not None:
            loc = loc[2:]
    field = ""
    for part in loc:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
    message = err["msg"]
    if err["type"] == "extra_forbidden":
        message = f"Unknown field '{loc[-1]}'."
    elif err["type"] == "missing":
        message = f"'{loc[-1]}' is required."
    return GraphIssue(node_id=node_id, field=field or "graph", message=message)


def validate_structure(graph: Any) -> list[GraphIssue]:
    """Shape, node ids, at least one trigger (one per kind), edges between existing nodes, no cycles."""
    parsed, issues = parse(graph)
    if parsed is None:
        return issues
    return structural_issues(parsed)


def structural_issues(graph: Graph) -> list[GraphIssue]:
    issues: list[GraphIssue] = []
    seen: set[str] = set()
    for node in graph.nodes:
        if not NODE_ID_RE.match(node.id):
            issues.append(
                GraphIssue(
                    node.id,
                    "id",
                    "Node ids are 1-64 characters: a lowercase letter, "
                    "then lowercase letters, digits or underscores.",
                )
            )
        if node.id in seen:
            issues.append(GraphIssue(node.id, "id", f"Node id '{node.id}' is used more than once."))
        seen.add(node.id)

    triggers = [n for n in graph.nodes if n.type.startswith(TRIGGER_PREFIX)]
    if not triggers:
        issues.append(
            GraphIssue(
                None,
                "nodes",
                "A workflow needs at least one trigger node (manual, webhook or schedule).",
            )
        )
    # Several triggers may start a workflow, one of each kind: a workflow has one webhook URL,
    # one schedule, and a manual run or a call needs to know where to start.
    first_of_kind: dict[str, str] = {}
    for trigger in triggers:
        first = first_of_kind.setdefault(trigger.type, trigger.id)
        if first != trigger.id:
            issues.append(
                GraphIssue(
                    trigger.id,
                    "type",
                    f"A workflow can have only one '{trigger.type}' trigger; '{first}' is already one. "
                    "Connect that trigger to this branch instead.",
                )
            )

    types = {n.id: n.type for n in graph.nodes}
    pairs: set[tuple[str, str, str]] = set()
    for i, edge in enumerate(graph.edges):
        where = f"edges[{i}]"
        for end in ("source", "target"):
            if getattr(edge, end) not in types:
                issues.append(
                    GraphIssue(
                        None,
                        f"{where}.{end}",
                        f"Edge {end} '{getattr(edge, end)}' is not a node in this workflow.",
                    )
                )
        if types.get(edge.target, "").startswith(TRIGGER_PREFIX):
            issues.append(
                GraphIssue(
                    edge.target,
                    f"{where}.target",
                    "A trigger starts the workflow; nothing can connect into it.",
                )
            )
        key = (edge.source, edge.source_handle, edge.target)
        if key in pairs:
            issues.append(GraphIssue(None, where, f"Duplicate edge {edge.source} → {edge.target}."))
        pairs.add(key)

    cycle = find_cycle(
        types,
        [(e.source, e.target) for e in graph.edges if e.source in types and e.target in types],
    )
    if cycle:
        issues.append(
            GraphIssue(
                cycle[0],
                "edges",
                "Cycle: " + " → ".join(cycle) + ". Workflows must not "
                "loop back: to run steps again until something holds, use a Repeat node "
                "(logic.repeat); to run them once per item, a Loop node.",
            )
        )
    return issues


def find_cycle(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[str] | None:
    """A cycle as a closed path [a, b, ..., a], or None. Iterative DFS, so deep graphs are fine."""
    adjacency: dict[str, list[str]] = defaultdict(list)
    for source, target in edges:
        adjacency[source].append(target)
    WHITE, GREY, BLACK = 0, 1, 2
    color: dict[str, int] = defaultdict(int)
    for root in nodes:
        if color[root] != WHITE:
            continue
        path = [root]
        stack = [iter(adjacency[root])]
        color[root] = GREY
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                color[path.pop()] = BLACK
                stack.pop()
            elif color[nxt] == GREY:
                return [*path[path.index(nxt) :], nxt]
            elif color[nxt] == WHITE:
                color[nxt] = GREY
                path.append(nxt)
                stack.append(iter(adjacency[nxt]))
    return None


def topological_order(nodes: list[str], edges: Iterable[tuple[str, str]]) -> list[str]:
    """Kahn's algorithm, stable in the given node order. Raises GraphInvalid on a cycle."""
    indegree = dict.fromkeys(nodes, 0)
    adjacency: dict[str, list[str]] = defaultdict(list)
    for source, target in edges:
        adjacency[source].append(target)
        indegree[target] += 1
    queue = deque(n for n in nodes if indegree[n] == 0)
    order: list[str] = []
    while queue:
        node = queue.popleft()
        order.append(node)
        for nxt in adjacency[node]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                queue.append(nxt)
    if len(order) != len(nodes):
        cycle = find_cycle(nodes, [(s, t) for s in adjacency for t in adjacency[s]]) or []
        raise GraphInvalid(
            [GraphIssue(cycle[0] if cycle else None, "edges", "Cycle: " + " → ".join(cycle))]
        )
    return order


def ancestors(node_id: str, edges: Iterable[tuple[str, str]]) -> set[str]:
    """Every node with a path to `node_id`."""
    parents: dict[str, list[str]] = defaultdict(list)
    for source, target in edges:
        parents[target].append(source)
    found: set[str] = set()
    todo = list(parents[node_id])
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(parents[current])
    return found


def add_node(graph: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """The graph with one more node (a new dict; the input is left alone)."""
    return {
        **graph,
        "nodes": [*graph.get("nodes", []), node],
        "edges": list(graph.get("edges", [])),
    }


def remove_node(graph: dict[str, Any], node_id: str) -> dict[str, Any]:
    """The graph without the node and every edge touching it."""
    return {
        **graph,
        "nodes": [n for n in graph.get("nodes", []) if n.get("id") != node_id],
        "edges": [
            e for e in graph.get("edges", []) if node_id not in (e.get("source"), e.get("target"))
        ],
    }
