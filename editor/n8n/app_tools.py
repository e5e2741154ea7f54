"""n8n app nodes used as agent tools (`<app>Tool`: airtableTool, postgresTool, ...) as
companion workflows, made by the set import (`editor.transfer.import_n8n`).

n8n runs such a node inside the agent and fills its `$fromAI('name', 'description', 'type')`
settings with the model's arguments. WorkFuse agents reach apps through workflow tools, so for
each such tool the import adds a workflow that starts with 'When called by a workflow',
declaring one input per `$fromAI` argument, and runs the app node with `$fromAI(...)` read from
those inputs; the tool becomes a Call n8n Workflow tool calling it. Both are then converted as
any other exports of the set. Settings that read the run's data (`$json`, `$('Node')`) are
evaluated by n8n in the agent's run, for the item it works on: each such `{{ }}` part becomes
another input of the companion, which the Call n8n Workflow tool fills with that expression
(a fixed input the model does not see, evaluated at the agent's step). A tool that has no such
form stays as it is and is refused, saying why (`problem`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from editor.n8n import postgres_tool, send_and_wait  # sendwait; aitools: postgres_tool
from editor.n8n.converter import BASE, READS_ELSEWHERE, Spec
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
BLOCK = re.compile(r"\{\{(?P<expr>.*?)\}\}", re.S)  # ai3: an n8n expression's `{{ }}` parts
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
    # --- sendwait ---
    if (node.get("parameters") or {}).get("operation") == "sendAndWait":
        return send_and_wait.refusal_for_tool()
    # --- end sendwait ---
    # --- aitools ---
    if postgres_tool.applies(node) or postgres_tool.model_writes(node):
        why = postgres_tool.problem(node)
        if why is not None:
            return why
    # --- end aitools ---
    for text in _strings(params_of(node)):
        if not text.startswith("="):
            if "$fromAI" in text:
                return f"it writes $fromAI in plain text ({text[:80]}), not in an expression"
            continue
        rest = FROM_AI.sub(lambda m: m.group("default") or "", text)
        if "$fromAI" in rest:
            return f"a $fromAI call it makes cannot be read ({text[1:80]})"
        # --- ai3 ---
        for block in BLOCK.finditer(text):
            expr = block.group("expr")
            found = RUN_DATA.search(FROM_AI.sub(lambda m: m.group("default") or "", expr))
            if found is None:
                continue
            if "$fromAI" in expr:
                return (
                    f"one expression of it reads both the model's arguments and the run's data "
                    f"({found.group(0)} in {{{{{expr[:80]}}}}}); give each its own {{{{ }}}} in n8n"
                )
            if found.group(0) == "$binary":
                return (
                    f"it reads a file of the run ($binary in {{{{{expr[:80]}}}}}), which a called "
                    "workflow's inputs cannot carry"
                )
        # --- end ai3 ---
    for argument in arguments(params_of(node)).values():
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
            and not n.get(READS_ELSEWHERE)  # ai4: refused already, saying why
        ]
        if not tools:
            out.append(member)
            continue
        data = copy.deepcopy(data)
        for node in data["nodes"]:
            if node in tools:
                companion, lifted = companion_of(member, node)
                made.append(companion)
                _call_instead(node, companion, lifted)
        out.append(replace(member, data=data))
    return out + made


def companion_of(member: Member, tool: dict[str, Any]) -> tuple[Member, dict[str, str]]:
    """The companion workflow of the app tool `tool`, and the run's data it reads: the n8n
    expressions the caller evaluates for it, by the companion input each fills."""
    name = str(tool.get("name") or "Tool")
    params = params_of(tool)
    found = arguments(params)
    params, lifted = lift_run_data(params, set(found))  # ai3
    trigger = {
        "name": TRIGGER_NAME,
        "type": f"{BASE}executeWorkflowTrigger",
        "typeVersion": 1.1,
        "position": [0, 0],
        "parameters": {
            "inputSource": "workflowInputs",
            "workflowInputs": {
                "values": [{"name": a.name, "type": TYPES[a.type]} for a in found.values()]
                + [{"name": n, "type": "any"} for n in lifted]  # ai3
            },
        },
    }
    app = {
        **{k: v for k, v in tool.items() if k not in ("parameters", "type", "position")},
        "type": app_type(str(tool["type"])),
        "position": [240, 0],
        "parameters": _read_inputs(params),
        "notes": f"n8n ran this node inside the agent of '{member.name}' as its tool '{name}', "
        "with the model's arguments where it read $fromAI; here they are this workflow's inputs."
        + (
            " The run's data it read the agent's tool fills in: inputs " + ", ".join(lifted) + "."
            if lifted
            else ""
        )
        # --- aitools ---
        + (
            " " + postgres_tool.note(_params(tool))
            if postgres_tool.applies(tool) and not postgres_tool.model_writes(tool)
            else ""
        ),
        # --- end aitools ---
    }
    if postgres_tool.model_writes(tool):
        app[postgres_tool.MODEL_SQL] = True
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
    return replace(member, data=data, n8n_id=n8n_id, name=title), lifted


def _call_instead(tool: dict[str, Any], companion: Member, lifted: dict[str, str]) -> None:
    """Turn the app tool node into a Call n8n Workflow tool (version 2.2, named after the node
    as n8n names app tools) calling `companion`, sending it the run's data `lifted` (n8n
    expressions by input name, evaluated in the agent's run as n8n evaluated them there)."""
    description = tool_description(tool)
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
    if lifted:  # ai3
        tool["parameters"]["workflowInputs"] = {
            "mappingMode": "defineBelow",
            "value": {name: "={{ " + expr + " }}" for name, expr in lifted.items()},
        }


def tool_description(tool: dict[str, Any]) -> str:
    """What the model reads of the app tool `tool` (an n8n `<app>Tool` node): its manual
    description, else what it runs, and the `$fromAI` arguments with their descriptions."""
    params = params_of(tool)
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
    return description


# --- ai3 ---
def lift_run_data(params: Any, taken: set[str]) -> tuple[Any, dict[str, str]]:
    """The settings with each `{{ }}` part of an expression that reads the run's data reading
    a companion input instead, and those parts' expressions by input name (the same expression
    once). Input names are `run_` and the last name the expression reads (`run_id` for
    `$('Chat').item.json.chat.id`), kept apart from `taken` and from each other."""
    lifted: dict[str, str] = {}

    def lift(match: re.Match[str]) -> str:
        expr = match.group("expr").strip()
        if not RUN_DATA.search(expr) or "$fromAI" in expr:
            return match.group(0)
        for name, known in lifted.items():
            if known == expr:
                return "{{ $json." + name + " }}"
        name = _input_name(expr, taken | set(lifted))
        lifted[name] = expr
        return "{{ $json." + name + " }}"

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return BLOCK.sub(lift, value) if value.startswith("=") else value
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return walk(params), lifted


def _input_name(expr: str, taken: set[str]) -> str:
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", re.sub(r"(['\"`]).*?\1", "", expr))
    base = ("run_" + (words[-1] if words else "value"))[:60]
    name, count = base, 1
    while name in taken:
        count += 1
        name = f"{base}_{count}"
    return name


# --- end ai3 ---


def _params(node: Mapping[str, Any]) -> dict[str, Any]:
    params = node.get("parameters")
    return params if isinstance(params, dict) else {}


def params_of(node: Mapping[str, Any]) -> dict[str, Any]:
    """The app tool's settings as n8n reads them: a Postgres tool's plain-text query with its
    values bound (postgres_tool.py) where they can be, or as the expression pasting the model's
    arguments in where the model writes the SQL."""
    # --- aitools ---
    if postgres_tool.model_writes(node):
        return postgres_tool.as_given(_params(node))
    if postgres_tool.applies(node) and postgres_tool.problem(node) is None:
        return postgres_tool.bound(_params(node))
    # --- end aitools ---
    return _params(node)


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
