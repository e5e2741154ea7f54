"""n8n app nodes used as agent tools (`<app>Tool`: airtableTool, postgresTool, ...) as
companion workflows, made by the set import (`editor.transfer.import_n8n`).

n8n runs such a node inside the agent and fills its `$fromAI('name', 'description', 'type')`
settings with the model's arguments. WorkFuse agents reach apps through workflow tools, so for
each such tool the import adds a workflow that starts with 'When called by a workflow',
declaring one input per `$fromAI` argument, and runs the app node with `$fromAI(...)` read from
those inputs; the tool becomes a Call n8n Workflow tool calling it. Both are then converted as
any other exports of the set. A tool whose settings also read the run's data (`$json`,
`$('Node')`) has no such form, since the companion sees only the model's arguments: it stays
as it is and is refused, saying why (`problem`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from editor.n8n.converter import BASE, Spec
from editor.nodes.trigger_workflow import INPUT_NAME_RE

if TYPE_CHECKING:  # ai_tools reads `problem` while editor.n8n (which sets imports) loads
    from editor.n8n.sets import Member

FROM_AI = re.compile(
    r"(?:/\*[^*]*\*/\s*)?\$fromAI\(\s*(['\"`])(?P<name>(?:(?!\1).)*)\1\s*"
    r"(?:,\s*(['\"`])(?P<description>(?:(?!\3).)*)\3\s*)?"
    r"(?:,\s*(['\"`])(?P<type>(?:(?!\5).)*)\5\s*)?"
    r"(?:,\s*(?P<default>[^)]*?)\s*)?\)",
    re.S,
)
RUN_DATA = re.compile(r"\$(json|input|node|items?|binary|prevNode|runIndex)\b|\$\(")
# $fromAI's types as n8n's Execute Workflow Trigger types.
TYPES = {"string": "string", "number": "number", "boolean": "boolean", "json": "any"}
TRIGGER_NAME = "When called by the agent"


@dataclass(frozen=True)
class Argument:
    name: str
    type: str
    description: str


def app_type(tool_type: str) -> str | None:
    """The n8n app node a `<app>Tool` type runs (None for other types)."""
    if tool_type.startswith(BASE) and tool_type.endswith("Tool"):
        return tool_type.removesuffix("Tool")
    return None


def problem(node: Mapping[str, Any], specs: Mapping[str, Spec]) -> str | None:
    """Why the app tool `node` (an n8n node) cannot become a companion workflow, or None."""
    app = app_type(str(node.get("type") or ""))
    if app is None or app not in specs:
        return f"the n8n {app or node.get('type')} node has no WorkFuse equivalent yet"
    for text in _strings(node.get("parameters")):
        if not text.startswith("="):
            if "$fromAI" in text:
                return f"it writes $fromAI in plain text ({text[:80]}), not in an expression"
            continue
        rest = FROM_AI.sub(lambda m: m.group("default") or "", text)
        if "$fromAI" in rest:
            return f"a $fromAI call it makes cannot be read ({text[1:80]})"
        found = RUN_DATA.search(rest)
        if found:
            return (
                f"it reads the run's data ({found.group(0)} in {text[1:80].strip()}), and a "
                "workflow tool sees only the model's arguments"
            )
    for argument in arguments(node.get("parameters")).values():
        if not INPUT_NAME_RE.match(argument.name):
            return f"its $fromAI argument '{argument.name}' is not a WorkFuse input name"
        if argument.type not in TYPES:
            return f"its $fromAI argument '{argument.name}' has the type '{argument.type}'"
    return None


def arguments(params: Any) -> dict[str, Argument]:
    """The `$fromAI` arguments the settings read, by name (first description and type win)."""
    found: dict[str, Argument] = {}
    for text in _strings(params):
        if text.startswith("="):
            for match in FROM_AI.finditer(text):
                name = match.group("name")
                kind = match.group("type") or "string"
                found.setdefault(name, Argument(name, kind, match.group("description") or ""))
    return found


def with_companions(group: list[Member], specs: Mapping[str, Spec]) -> list[Member]:
    """The set with each app tool that can be one turned into a companion workflow (added at
    the end, after the exports given) and a workflow tool calling it."""
    out: list[Member] = []
    made: list[Member] = []
    for member in group:
        data = member.data
        tools = [
            n
            for n in data.get("nodes") or []
            if isinstance(n, dict)
            and app_type(str(n.get("type") or "")) is not None
            and problem(n, specs) is None
        ]
        if not tools:
            out.append(member)
            continue
        data = copy.deepcopy(data)
        for node in data["nodes"]:
            if node in tools:
                companion = _companion(member, node)
                made.append(companion)
                _call_instead(node, companion)
        out.append(replace(member, data=data))
    return out + made


def _companion(member: Member, tool: dict[str, Any]) -> Member:
    name = str(tool.get("name") or "Tool")
    params = _params(tool)
    found = arguments(params)
    trigger = {
        "name": TRIGGER_NAME,
        "type": f"{BASE}executeWorkflowTrigger",
        "typeVersion": 1.1,
        "position": [0, 0],
        "parameters": {
            "inputSource": "workflowInputs",
            "workflowInputs": {
                "values": [{"name": a.name, "type": TYPES[a.type]} for a in found.values()]
            },
        },
    }
    app = {
        **{k: v for k, v in tool.items() if k not in ("parameters", "type", "position")},
        "type": app_type(str(tool["type"])),
        "position": [240, 0],
        "parameters": _read_inputs(params),
        "notes": f"n8n ran this node inside the agent of '{member.name}' as its tool '{name}', "
        "with the model's arguments where it read $fromAI; here they are this workflow's inputs.",
    }
    if app.get("name") == TRIGGER_NAME:
        app["name"] = f"{TRIGGER_NAME} (app)"
    n8n_id = f"{member.n8n_id or member.index}/tool/{name}"
    title = f"{member.name}: {name} tool"[:200]
    data = {
        "id": n8n_id,
        "name": title,
        "nodes": [trigger, app],
        "connections": {
            TRIGGER_NAME: {"main": [[{"node": app["name"], "type": "main", "index": 0}]]}
        },
    }
    return replace(member, data=data, n8n_id=n8n_id, name=title)


def _call_instead(tool: dict[str, Any], companion: Member) -> None:
    """Turn the app tool node into a Call n8n Workflow tool (version 2.2, named after the node
    as n8n names app tools) calling `companion`."""
    params = _params(tool)
    app = str(app_type(str(tool["type"]))).removeprefix(BASE)
    if params.get("descriptionType") == "manual" and params.get("toolDescription"):
        description = str(params["toolDescription"]).removeprefix("=")
    else:
        what = " ".join(str(params[k]) for k in ("resource", "operation") if params.get(k))
        description = f"Runs the {app} app" + (f": {what}" if what else "") + "."
    found = arguments(params)
    if found:
        described = [
            f"{a.name}: {a.description}" if a.description else a.name for a in found.values()
        ]
        description += "\nArguments: " + "; ".join(described)
    tool["type"] = "@n8n/n8n-nodes-langchain.toolWorkflow"
    tool["typeVersion"] = 2.2
    tool["parameters"] = {
        "description": description,
        "source": "database",
        "workflowId": {
            "__rl": True,
            "mode": "list",
            "value": companion.n8n_id,
            "cachedResultName": companion.name,
        },
    }


def _params(node: dict[str, Any]) -> dict[str, Any]:
    params = node.get("parameters")
    return params if isinstance(params, dict) else {}


def _read_inputs(value: Any) -> Any:
    """The settings with each `$fromAI(...)` reading the workflow input of that name."""
    if isinstance(value, str):
        if not value.startswith("="):
            return value
        return FROM_AI.sub(_input_of, value)
    if isinstance(value, list):
        return [_read_inputs(v) for v in value]
    if isinstance(value, dict):
        return {k: _read_inputs(v) for k, v in value.items()}
    return value


def _input_of(match: re.Match[str]) -> str:
    read = f"$json.{match.group('name')}"
    default = (match.group("default") or "").strip()
    return f"({read} ?? {default})" if default else read


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []
