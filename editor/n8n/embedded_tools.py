"""n8n's Call n8n Workflow tool (version 1.x) with `source: parameter`: the workflow it runs is
JSON inside the tool's settings (`workflowJson`). The set import (`editor.transfer.import_n8n`)
makes that workflow a companion workflow of its own and points the tool at it, as it does for
app tools (editor/n8n/app_tools.py); both are then converted as any other exports of the set.

n8n runs the embedded workflow from its Execute Workflow Trigger (or, in older exports, its
manual trigger) with one item, `{query}`: the model's text, or with an input schema the
model's arguments as an object. The companion starts with 'When called by a workflow'
declaring the tool's arguments as inputs (the schema's fields, or `query`), followed by a Set
node that takes the old start node's name and rebuilds `{query}`, so the embedded nodes read
`$json.query...` and `$('Execute Workflow Trigger')` as they did.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from editor.n8n.converter import BASE, LANGCHAIN

if TYPE_CHECKING:
    from editor.n8n.sets import Member

TOOL = f"{LANGCHAIN}toolWorkflow"
START_TYPES = (f"{BASE}executeWorkflowTrigger", f"{BASE}manualTrigger", f"{BASE}start")
TRIGGER_NAME = "When called by the agent"
# The Execute Workflow Trigger's input types for an example's JSON values.
EXAMPLE_TYPES = ((bool, "boolean"), (int, "number"), (float, "number"), (str, "string"))


def is_embedded(node: Mapping[str, Any]) -> bool:
    """A Call n8n Workflow tool carrying its workflow in its settings."""
    params = node.get("parameters")
    return (
        node.get("type") == TOOL
        and isinstance(params, dict)
        and params.get("source") == "parameter"
    )


def problem(node: Mapping[str, Any]) -> str | None:
    """Why the embedded workflow of the tool `node` cannot become a companion, or None."""
    params = node.get("parameters") or {}
    if float(node.get("typeVersion") or 1) >= 2:
        return (
            "its version 2 maps the model's arguments onto the workflow's inputs; save the "
            "workflow in n8n, call it from the database and export both"
        )
    embedded = _embedded(params)
    if embedded is None:
        return "the workflow in its settings is not an n8n workflow's JSON"
    if _start(embedded) is None:
        return "the workflow in its settings has no Execute Workflow Trigger to start from"
    if (params.get("fields") or {}).get("values"):
        return "it sends extra fields to the workflow beside the model's query"
    if _inputs(params) is None:
        return "its input schema is not a JSON object of fields"
    return None


def with_companions(group: list[Member]) -> list[Member]:
    """The set with each embedded workflow that can be one made a companion (added at the end)
    and its tool calling it from the database."""
    out: list[Member] = []
    made: list[Member] = []
    for member in group:
        tools = [n for n in member.data.get("nodes") or [] if isinstance(n, dict)]
        tools = [n for n in tools if is_embedded(n) and problem(n) is None]
        if not tools:
            out.append(member)
            continue
        data = copy.deepcopy(member.data)
        for node in data["nodes"]:
            if node in tools:
                companion = _companion(member, node)
                made.append(companion)
                _call_instead(node, companion)
        out.append(replace(member, data=data))
    return out + made


def _embedded(params: Mapping[str, Any]) -> dict[str, Any] | None:
    text = params.get("workflowJson")
    try:
        data = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        return None
    return data


def _start(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """The node n8n starts an executed workflow from: its Execute Workflow Trigger, else its
    manual trigger (older exports)."""
    nodes = [n for n in data.get("nodes") or [] if isinstance(n, dict)]
    for kind in START_TYPES:
        found = next((n for n in nodes if n.get("type") == kind and not n.get("disabled")), None)
        if found is not None:
            return found
    return None


def _inputs(params: Mapping[str, Any]) -> list[dict[str, str]] | None:
    """The companion's inputs: the fields of the tool's input schema, or the model's text as
    `query`. None when the schema has no fields to declare."""
    if not params.get("specifyInputSchema"):
        return [{"name": "query", "type": "string"}]
    if (params.get("schemaType") or "fromJson") == "fromJson":
        example = _json(params.get("jsonSchemaExample"))
        if not isinstance(example, dict) or not example:
            return None
        return [{"name": str(k), "type": _example_type(v)} for k, v in example.items()]
    schema = _json(params.get("inputSchema"))
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict) or not properties:
        return None
    kinds = {"string", "number", "boolean", "array", "object"}
    return [
        {"name": str(k), "type": str(v["type"]) if v.get("type") in kinds else "any"}
        for k, v in properties.items()
        if isinstance(v, dict)
    ]


def _json(text: Any) -> Any:
    try:
        return json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return None


def _example_type(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return next((name for kind, name in EXAMPLE_TYPES if isinstance(value, kind)), "any")


def _companion(member: Member, tool: dict[str, Any]) -> Member:
    params = tool["parameters"]
    embedded = _embedded(params) or {}
    start = _start(embedded) or {}
    name = str(tool.get("name") or "Tool")
    trigger = {
        "name": TRIGGER_NAME,
        "type": f"{BASE}executeWorkflowTrigger",
        "typeVersion": 1.1,
        "position": [-240, 0],
        "parameters": {
            "inputSource": "workflowInputs",
            "workflowInputs": {"values": _inputs(params)},
        },
    }
    # The model's arguments, as n8n handed them to the embedded workflow: `{query}`.
    query = "={{ $json }}" if params.get("specifyInputSchema") else "={{ $json.query }}"
    rebuild = {
        "name": start.get("name") or "Execute Workflow Trigger",
        "type": f"{BASE}set",
        "typeVersion": 3.4,
        "position": start.get("position") or [0, 0],
        "parameters": {
            "assignments": {
                "assignments": [
                    {
                        "name": "query",
                        "type": "object" if params.get("specifyInputSchema") else "string",
                        "value": query,
                    }
                ]
            },
            "options": {},
        },
        "notes": f"n8n handed the workflow inside the tool '{name}' of '{member.name}' the "
        "model's arguments as {query}; this rebuilds it from the inputs.",
    }
    nodes = [trigger, rebuild] + [
        n for n in embedded["nodes"] if isinstance(n, dict) and n is not start
    ]
    connections = dict(embedded.get("connections") or {})
    connections[TRIGGER_NAME] = {"main": [[{"node": rebuild["name"], "type": "main", "index": 0}]]}
    n8n_id = f"{member.n8n_id or member.index}/tool/{name}"
    title = f"{member.name}: {name} tool"[:200]
    data = {"id": n8n_id, "name": title, "nodes": nodes, "connections": connections}
    return replace(member, data=data, n8n_id=n8n_id, name=title)


def _call_instead(tool: dict[str, Any], companion: Member) -> None:
    """The tool now calls `companion` from the database; its name, description and input
    schema stay."""
    params = {k: v for k, v in tool["parameters"].items() if k != "workflowJson"}
    params["source"] = "database"
    params["workflowId"] = {
        "__rl": True,
        "mode": "list",
        "value": companion.n8n_id,
        "cachedResultName": companion.name,
    }
    tool["parameters"] = params
