"""A run of a workflow imported from n8n, shown as n8n shows it: each n8n node's items by name.

`n8n_view(execution)` returns `{n8n node name: [{"json": ...}, ...]}` (n8n's pinData format):
for each node, the items of each of its outputs in output order (an IF's true items, then its
false items), each output's items in run order (a node an inserted loop runs: item 0, 1, ...).
Where a node's items lie in a step is the import's metadata (`Workflow.n8n_import`, written by
editor/n8n/converter.py `view_meta`): a template per output over the step's own context
(`nodes`, `item`, and `loop_items`: the list a loop step runs over). Nodes that did not run, and
nodes the workflow no longer has, are left out. `GET /api/executions/{id}?view=n8n` answers it.
"""

from __future__ import annotations

from typing import Any

from editor.templating import TemplateError, render
from executions.models import Execution, Step
from executions.plan import Plan, parse_key, plan_for

Items = list[dict[str, Any]]


def n8n_view(execution: Execution) -> dict[str, Items]:
    meta = execution.workflow.n8n_import if isinstance(execution.workflow.n8n_import, dict) else {}
    nodes = meta.get("nodes") if isinstance(meta.get("nodes"), dict) else {}
    if not nodes:
        return {}
    plan = plan_for(execution.version_id, lambda: execution.version.graph, execution.trigger_node)
    everything: list[dict[str, Any]] = [
        dict(row)
        for row in execution.steps.values("key", "node_id", "status", "output", "input", "handles")
    ]
    by_key = {s["key"]: s for s in everything}
    steps = [s for s in everything if s["status"] == Step.Status.SUCCEEDED]
    view: dict[str, Items] = {}
    for node_id, node in nodes.items():
        if node_id not in plan.nodes or not isinstance(node, dict):
            continue
        runs = sorted(
            (s for s in steps if s["node_id"] == node_id), key=lambda s: parse_key(s["key"])[1]
        )
        if not runs:
            continue
        # A loop's `each` fires once per item, without being a handle its step records.
        each = {"each"} if plan.nodes[node_id].type == "logic.loop" else set()
        items: Items = []
        for output in node.get("outputs") or []:
            handles = set(output.get("handles") or [])
            for step in runs:
                if handles & (set(step["handles"] or []) | each):
                    items += _items(plan, by_key, step, str(output.get("items") or "[]"))
        view[str(node.get("name") or node_id)] = items
    return view


def _items(plan: Plan, by_key: dict[str, Any], step: dict[str, Any], expression: str) -> Items:
    try:
        found = render("{{ " + expression + " }}", _context(plan, by_key, step))
    except TemplateError:
        return []
    values = found if isinstance(found, list) else [found]
    return [{"json": v} for v in values]


def _context(plan: Plan, by_key: dict[str, Any], step: dict[str, Any]) -> dict[str, Any]:
    """What the step's templates saw: the outputs at its scope, and its loop's item."""
    node_id, scope = parse_key(step["key"])
    outputs = {}
    for other in plan.nodes:
        found = by_key.get(plan.key(other, scope))
        if found is not None:
            outputs[other] = found["output"]
    context: dict[str, Any] = {
        "nodes": outputs,
        "trigger": outputs.get(plan.trigger, {}),
        "loop_items": (step["input"] or {}).get("items", []),
    }
    loops = [c for c in plan.nodes[node_id].loops if plan.nodes[c].type == "logic.loop"]
    if loops:
        loop = loops[-1]
        depth = len(plan.nodes[loop].loops)
        loop_step = by_key.get(plan.key(loop, scope))
        listed = ((loop_step or {}).get("input") or {}).get("items") or []
        if depth < len(scope) and scope[depth] < len(listed):
            context["item"] = listed[scope[depth]]
    return context
