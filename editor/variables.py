"""What a node can read, and what it did last time, for the settings panel.

Template variables at a node (DESIGN §5): the trigger, `nodes.<id>` of the nodes upstream of
it in the editor's current graph, `execution` (with `resume_url` where the workflow has a
utility.wait), `workflow`, `item`/`index` inside a loop body and in a data node's per-item
fields, and `iteration` inside a repeat's body (a repeat's own settings also read `last` and
the steps directly in its body). When the workflow has run, the keys of that run's trigger data
and step outputs are listed as paths too (`nodes.get_user.body.email`), and so are the keys of the
first element of the list a data node works through (`item.total`), so the suggestions match
real data. Values are never listed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from editor.graph import ancestors, parse
from editor.models import Workflow
from editor.nodes import NODE_TYPES
from editor.nodes.base import NodeError, RunContext
from editor.nodes.items import items_from
from editor.templating import TemplateError, render_value
from editor.validation import loop_bodies

MAX_DEPTH = 5
MAX_PATHS_PER_ROOT = 80
MAX_SHOWN_CHARS = 20_000
# Step statuses of a node that has run (or is running) in an execution.
RAN = ("running", "waiting", "succeeded", "failed", "cancelled")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Variable:
    path: str
    kind: str  # object, array, string, number, boolean, null; "" when no run has shown it
    per_item: bool = False  # only in a data node's per-item fields


@dataclass(frozen=True)
class Source:
    """Something a template at the node may read: the trigger or an upstream node, with the
    last run's value when there was one (`known`)."""

    root: str  # "trigger" or "nodes.<id>"
    node_id: str
    node_type: str
    value: Any = None
    known: bool = False


@dataclass(frozen=True)
class Scope:
    """Everything a template at one node may read (DESIGN §5): the one answer both the
    settings panel and Magic Input give."""

    sources: list[Source]
    ran: bool  # the workflow has a run whose data is shown
    in_loop: bool  # `item` and `index` are there too
    item_fields: tuple[str, ...] = ()  # fields rendered per element, with `item` and `index`
    element: Source | None = None  # the first element of that list in the last run, if known
    in_repeat: bool = False  # `iteration` is there too
    resume_url: bool = False  # the workflow has a utility.wait: `execution.resume_url` is there
    # A repeat's own settings (read after each round): `last`, the body's last output (its
    # value in the last run, if known); `iteration` is there too.
    last: Source | None = None

    def variables(self) -> list[Variable]:
        if not self.sources:  # the trigger itself reads nothing
            return []
        found: list[Variable] = []
        for source in self.sources:
            found += _paths(source.root, source.value, source.known)[:MAX_PATHS_PER_ROOT]
        found += [Variable("execution.id", "string"), Variable("execution.started_at", "string")]
        if self.resume_url:
            found.append(Variable("execution.resume_url", "string"))
        found += [Variable("workflow.id", "number"), Variable("workflow.name", "string")]
        if self.in_repeat or self.last is not None:
            found.append(Variable("iteration", "number"))
        if self.in_repeat:
            found.append(Variable("carried", ""))
        if self.last is not None:
            found += _paths("last", self.last.value, self.last.known)[:MAX_PATHS_PER_ROOT]
        if self.in_loop:
            found += [Variable("item", ""), Variable("index", "number")]
        elif self.item_fields:
            element = self.element or Source("item", "", "")
            paths = _paths("item", element.value, element.known)[:MAX_PATHS_PER_ROOT]
            found += [Variable(v.path, v.kind, per_item=True) for v in paths]
            found.append(Variable("index", "number", per_item=True))
        return found


def scope(
    workflow: Workflow, graph: Any, node_id: str, config: dict[str, Any] | None = None
) -> Scope:
    """What a template in `node_id` may read, given the editor's (possibly unsaved) graph, with
    the values of the workflow's last run that got as far as running steps. `config` is the
    node's settings as the form shows them, when they differ from the graph's."""
    nodes, edges = _nodes_and_edges(graph)
    triggers = [n for n in nodes if str(n.get("type", "")).startswith("trigger.")]
    if any(t.get("id") == node_id for t in triggers):
        return Scope([], False, False)
    upstream = ancestors(node_id, edges) if node_id else set()
    # With several triggers, `trigger` is whichever started the run: show one that leads here.
    trigger = next(
        (t for t in triggers if t.get("id") in upstream), triggers[0] if triggers else None
    )
    types = {str(n.get("id")): str(n.get("type")) for n in nodes}
    execution = last_execution(workflow)
    outputs = _outputs(execution)
    trigger_id = str(trigger.get("id")) if trigger else ""
    sources = [
        Source(
            "trigger",
            trigger_id,
            types.get(trigger_id, ""),
            outputs.get(trigger_id, execution.trigger_data if execution else None),
            execution is not None,
        )
    ]
    # A body's step cannot read the loop or repeat it runs in (no output yet); a repeat's own
    # settings read the steps directly in its body, as they were in the round just finished.
    containers, members = _bodies(graph, node_id)
    readable = (upstream - containers) | (members or set())
    trigger_ids = {t.get("id") for t in triggers}
    for upstream_id in sorted(u for u in readable if u not in trigger_ids and u in types):
        sources.append(
            Source(
                f"nodes.{upstream_id}",
                upstream_id,
                types[upstream_id],
                outputs.get(upstream_id),
                upstream_id in outputs,
            )
        )
    node_type = NODE_TYPES.get(types.get(node_id, ""))
    item_fields = node_type.item_fields if node_type else ()
    node = next((n for n in nodes if n.get("id") == node_id), {})
    if config is not None:
        node = {**node, "config": config}
    element = _first_element(node, sources, edges) if item_fields else None
    last = None
    if members is not None:
        ran = outputs.get(node_id)
        ran = ran if isinstance(ran, dict) else {}
        last = Source("last", "", "", ran.get("last"), "last" in ran)
    kinds = {types.get(c) for c in containers}
    return Scope(
        sources,
        execution is not None,
        "logic.loop" in kinds,
        item_fields,
        element,
        in_repeat="logic.repeat" in kinds,
        resume_url="utility.wait" in types.values(),
        last=last,
    )


def available(
    workflow: Workflow, graph: Any, node_id: str, config: dict[str, Any] | None = None
) -> list[Variable]:
    """The variables a template in `node_id` may read, as paths for the settings panel."""
    return scope(workflow, graph, node_id, config).variables()


def last_execution(workflow: Workflow) -> Any:
    """The workflow's most recent execution that got as far as running steps. (Executions are
    read through the workflow's reverse relation: the editor imports nothing of the engine's
    app, which sits above it.)"""
    return workflow.executions.filter(steps__isnull=False).order_by("-created_at").first()


def last_step(workflow: Workflow, node_id: str) -> Any:
    """The node's step in the most recent execution that ran it (the last item in a loop)."""
    ran = workflow.executions.filter(steps__node_id=node_id, steps__status__in=RAN)
    execution = ran.order_by("-created_at").first()
    if execution is None:
        return None
    step = (
        execution.steps.filter(node_id=node_id, status__in=RAN)
        .order_by("-created_at", "-id")
        .first()
    )
    if step is not None:
        step.execution = execution
    return step


def shown(value: Any) -> str:
    """Step data as indented JSON for the panel, cut short when large."""
    if value is None:
        return ""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    if len(text) > MAX_SHOWN_CHARS:
        return text[:MAX_SHOWN_CHARS] + "\n… (cut short: the execution page has all of it)"
    return text


def _nodes_and_edges(graph: Any) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    graph = graph if isinstance(graph, dict) else {}
    nodes = [n for n in graph.get("nodes") or [] if isinstance(n, dict)]
    edges = [
        (str(e.get("source")), str(e.get("target")))
        for e in graph.get("edges") or []
        if isinstance(e, dict)
    ]
    return nodes, edges


def _outputs(execution: Any) -> dict[str, Any]:
    """Outputs of the run's steps that have one (succeeded, or failed with the error handled:
    both feed later nodes), by node id: for a node in a loop's or repeat's body, its last run's."""
    if execution is None:
        return {}
    steps = execution.steps.filter(output__isnull=False).only("node_id", "output")
    return {s.node_id: s.output for s in steps}


def _first_element(
    node: dict[str, Any], sources: list[Source], edges: list[tuple[str, str]]
) -> Source | None:
    """The first element of the list a data node works through, from the last run's data: its
    `items` template rendered with those values, or (empty) its input's list, as it runs."""
    known = {s.node_id: s.value for s in sources if s.known}
    feeding = [source for source, target in edges if target == node.get("id") and source in known]
    primary = known[feeding[0]] if len(feeding) == 1 else {f: known[f] for f in feeding}
    trigger = next((s for s in sources if s.root == "trigger"), None)
    context = {
        "trigger": trigger.value if trigger and trigger.known else {},
        "nodes": known,
        "execution": {"id": "", "started_at": ""},
        "workflow": {"id": 0, "name": ""},
    }
    raw = node.get("config")
    config = raw if isinstance(raw, dict) else {}
    try:
        items = render_value(config.get("items"), context)
        found = items_from(items, RunContext("", "", "", input=primary if feeding else None))
    except (TemplateError, NodeError):
        return None
    return Source("item", "", "", found[0], True) if found else None


def _bodies(graph: Any, node_id: str) -> tuple[set[str], set[str] | None]:
    """The loops and repeats the node runs in; and, for a repeat, the nodes directly in its
    body (None for other nodes)."""
    parsed, _ = parse(graph)
    if parsed is None:
        return set(), None
    inside = loop_bodies(parsed)
    containers = inside.get(node_id, set())
    if not any(n.id == node_id and n.type == "logic.repeat" for n in parsed.nodes):
        return containers, None
    around = containers | {node_id}
    return containers, {m for m, c in inside.items() if c == around}


def _paths(root: str, value: Any, known: bool, depth: int = 0) -> list[Variable]:
    """`root` and every path below it in `value` (first list element only)."""
    if not known:
        return [Variable(root, "")]
    found = [Variable(root, _kind(value))]
    if depth >= MAX_DEPTH:
        return found
    if isinstance(value, dict):
        for key, item in value.items():
            key = str(key)
            child = f"{root}.{key}" if IDENTIFIER.match(key) else f"{root}[{json.dumps(key)}]"
            found += _paths(child, item, True, depth + 1)
    elif isinstance(value, list) and value and isinstance(value[0], dict | list):
        found += _paths(f"{root}[0]", value[0], True, depth + 1)
    return found


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
