"""What a node can read, and what it did last time, for the settings panel.

Template variables at a node (DESIGN §5): the trigger, `nodes.<id>` of the nodes upstream of
it in the editor's current graph, `execution`, and `item`/`index` inside a loop body. When the
workflow has run, the keys of that run's trigger data and step outputs are listed as paths too
(`nodes.get_user.body.email`), so the suggestions match real data. Values are never listed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef

from editor.graph import ancestors, parse
from editor.models import Workflow
from editor.validation import loop_bodies
from executions.models import Execution, Step

MAX_DEPTH = 5
MAX_PATHS_PER_ROOT = 80
MAX_SHOWN_CHARS = 20_000
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Variable:
    path: str
    kind: str  # object, array, string, number, boolean, null; "" when no run has shown it


def available(workflow: Workflow, graph: Any, node_id: str) -> list[Variable]:
    """The variables a template in `node_id` may read, given the editor's (unsaved) graph."""
    nodes, edges = _nodes_and_edges(graph)
    trigger = next((n for n in nodes if str(n.get("type", "")).startswith("trigger.")), None)
    if trigger is not None and trigger.get("id") == node_id:
        return []
    upstream = ancestors(node_id, edges) if node_id else set()
    types = {n.get("id"): n.get("type") for n in nodes}
    execution = last_execution(workflow)
    outputs = _outputs(execution)
    found: list[Variable] = []
    trigger_id = str(trigger.get("id")) if trigger else ""
    trigger_data = outputs.get(trigger_id, execution.trigger_data if execution else None)
    found += _paths("trigger", trigger_data, execution is not None)[:MAX_PATHS_PER_ROOT]
    for upstream_id in sorted(u for u in upstream if u != trigger_id and u in types):
        paths = _paths(f"nodes.{upstream_id}", outputs.get(upstream_id), upstream_id in outputs)
        found += paths[:MAX_PATHS_PER_ROOT]
    found += [Variable("execution.id", "string"), Variable("execution.started_at", "string")]
    if _in_loop_body(graph, node_id):
        found += [Variable("item", ""), Variable("index", "number")]
    return found


def last_execution(workflow: Workflow) -> Execution | None:
    """The workflow's most recent execution that got as far as running steps."""
    ran = Step.objects.filter(execution=OuterRef("pk"))
    return Execution.objects.filter(Exists(ran), workflow=workflow).order_by("-created_at").first()


def last_step(workflow: Workflow, node_id: str) -> Step | None:
    """The node's step in the most recent execution that ran it (the last item in a loop)."""
    return (
        Step.objects.filter(execution__workflow=workflow, node_id=node_id)
        .exclude(status__in=[Step.Status.PENDING, Step.Status.SKIPPED])
        .select_related("execution")
        .order_by("-execution__created_at", "-created_at", "-id")
        .first()
    )


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


def _outputs(execution: Execution | None) -> dict[str, Any]:
    if execution is None:
        return {}
    steps = Step.objects.filter(execution=execution, status=Step.Status.SUCCEEDED)
    steps = steps.only("key", "output")
    return {s.key: s.output for s in steps}


def _in_loop_body(graph: Any, node_id: str) -> bool:
    parsed, _ = parse(graph)
    return parsed is not None and bool(loop_bodies(parsed).get(node_id))


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
