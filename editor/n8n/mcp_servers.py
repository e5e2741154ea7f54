"""n8n's MCP Server Trigger, imported as one workflow per tool by the set import
(`editor.transfer.import_n8n`), as extra triggers (trigger_split.py) and agents' app tools
(app_tools.py) become workflows of their own.

n8n's MCP Server Trigger serves the tools hanging from it (`ai_tool` links) to MCP clients at
its own path: a client lists them and calls one with arguments, which n8n puts where the tool's
settings read `$fromAI(...)`. WorkFuse has one MCP server, `/mcp/` (docs/mcp.md, `mcpserver/`),
which serves each *active* workflow starting with 'When called by a workflow' as a tool: its
description is what the model reads, its declared inputs are the tool's arguments. So each
tool of the trigger becomes such a workflow (an app tool's companion, app_tools.py), described
by the tool's description; the export's own workflow is the first tool's. The clients change:
WorkFuse's URL, an API token of the importing user, and tool names `<slug>_<id>`; each
workflow serves its tool only while it is active. Said in the trigger's notes and the report.

A tool that has no such form, and any node of the export that is not the trigger, one of its
tools or a sticky note, is refused (in the workflow its copy lands in) saying why.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from editor.n8n import app_tools
from editor.n8n.converter import LANGCHAIN, READS_ELSEWHERE, Spec
from editor.n8n.trigger_split import STICKY, Copy

if TYPE_CHECKING:
    from editor.models import Workflow
    from editor.n8n.sets import Member

MCP_TRIGGER = f"{LANGCHAIN}mcpTrigger"
TRIGGER_NAME = "When called by an MCP client"
AUTH = {"bearerAuth": "a bearer token", "headerAuth": "a header"}


@dataclass(frozen=True)
class Served:
    """An export with an MCP Server Trigger, imported as a workflow per tool: positions in the
    set's list (the export's own first), each copy, and each tool's MCP description."""

    main: int
    companions: tuple[int, ...]
    copies: tuple[Copy, ...]
    descriptions: tuple[str, ...]


def serves(data: Mapping[str, Any]) -> bool:
    """Whether the set import makes a workflow per MCP tool of this export."""
    return any(isinstance(n, dict) and n.get("type") == MCP_TRIGGER for n in _nodes(data))


def with_companions(
    group: list[Member], specs: Mapping[str, Spec]
) -> tuple[list[Member], list[Served]]:
    """The set with each export holding an MCP Server Trigger made its first tool's workflow,
    and one more workflow per further tool added at the end."""
    out: list[Member] = []
    made: list[Member] = []
    found: list[Served] = []
    for position, member in enumerate(group):
        if not serves(member.data):
            out.append(member)
            continue
        copies, descriptions = _copies(member, specs)
        out.append(copies[0].member)
        first = len(group) + len(made)
        made += [c.member for c in copies[1:]]
        companions = tuple(range(first, first + len(copies) - 1))
        found.append(Served(position, companions, tuple(copies), tuple(descriptions)))
    return out + made, found


def saved(served: Served, rows: list[Workflow]) -> list[tuple[Copy, Workflow]]:
    """Each copy with its saved workflow (of the set's `rows`), described as its MCP tool: the
    description WorkFuse's MCP server gives clients."""
    workflows = [rows[i] for i in (served.main, *served.companions)]
    made = list(zip(served.copies, workflows, strict=True))
    for (_, workflow), description in zip(made, served.descriptions, strict=True):
        workflow.description = description
        workflow.save(update_fields=["description", "updated_at"])
    return made


def _copies(member: Member, specs: Mapping[str, Spec]) -> tuple[list[Copy], list[str]]:
    data = member.data
    triggers = [n for n in _nodes(data) if isinstance(n, dict) and n.get("type") == MCP_TRIGGER]
    tools = _tools(data, {str(t.get("name")) for t in triggers})
    copies: list[Copy] = []
    descriptions: list[str] = []
    for trigger in triggers:
        for tool in tools.get(str(trigger.get("name")), []):
            made, description = _copy(member, trigger, tool, specs, first=not copies)
            copies.append(made)
            descriptions.append(description)
    if not copies:  # nothing to serve: the export stays, its trigger refused saying why
        data = copy.deepcopy(data)
        for node in _nodes(data):
            if isinstance(node, dict) and node.get("type") == MCP_TRIGGER:
                node[READS_ELSEWHERE] = (
                    f"n8n node '{node.get('name')}' ({MCP_TRIGGER}) has no tools hanging from "
                    "it, so it serves nothing; connect the tools to it in n8n and export again."
                )
        return [Copy(replace(member, data=data), (), frozenset())], [member.name]
    _refuse_others(copies[0], data, triggers, tools)
    return copies, descriptions


def _tools(data: Mapping[str, Any], triggers: set[str]) -> dict[str, list[dict[str, Any]]]:
    """The tool nodes hanging from each MCP Server Trigger (by its name), in export order."""
    to: dict[str, str] = {}
    for source, kinds in (data.get("connections") or {}).items():
        outputs = kinds.get("ai_tool") if isinstance(kinds, dict) else None
        for targets in outputs if isinstance(outputs, list) else []:
            for target in targets if isinstance(targets, list) else []:
                name = target.get("node") if isinstance(target, dict) else None
                if name in triggers:
                    to.setdefault(source, name)
    found: dict[str, list[dict[str, Any]]] = {}
    for node in _nodes(data):
        if isinstance(node, dict) and str(node.get("name")) in to:
            found.setdefault(to[str(node.get("name"))], []).append(node)
    return found


def _copy(
    member: Member,
    trigger: dict[str, Any],
    tool: dict[str, Any],
    specs: Mapping[str, Spec],
    first: bool,
) -> tuple[Copy, str]:
    """The workflow serving `tool`, and its MCP description."""
    server, name = str(trigger.get("name")), str(tool.get("name"))
    title = f"{server}: {name}"[:200]
    n8n_id = member.n8n_id if first else f"{member.n8n_id or member.index}/mcp/{name}"
    problem = _problem(tool, specs)
    if problem is None:
        companion, _ = app_tools.companion_of(member, copy.deepcopy(tool))
        data = _as_served(companion.data, trigger, tool)
    else:
        refused = {k: v for k, v in tool.items() if k != "position"}
        refused[READS_ELSEWHERE] = (
            f"n8n node '{name}' ({tool.get('type')}) is a tool of the MCP Server Trigger "
            f"'{server}', which WorkFuse serves as a workflow of its own (one per tool, "
            f"started by 'When called by a workflow'), but {problem}"
        )
        data = {"nodes": [refused], "connections": {}}
    data = {**data, "id": n8n_id, "name": title}
    made = replace(member, data=data, n8n_id=n8n_id, name=title)
    description = app_tools.tool_description(tool)
    return Copy(made, (name,), frozenset({name})), description


def _problem(tool: dict[str, Any], specs: Mapping[str, Spec]) -> str | None:
    """Why the tool has no workflow of its own serving it, with what to do; None when it has."""
    kind = str(tool.get("type") or "")
    if app_tools.app_type(kind) is None:
        if kind == f"{LANGCHAIN}toolWorkflow":
            return (
                "it calls another n8n workflow, which WorkFuse's MCP server serves itself: "
                "import that workflow (its Execute Workflow Trigger becomes 'When called by a "
                "workflow'), activate it, and leave this tool out of the export."
            )
        return (
            f"the import makes such workflows only of n8n app nodes used as tools "
            f"(n8n-nodes-base.<app>Tool), and {kind} is not one: replace it in n8n with the "
            "app node's tool form or a Call n8n Workflow tool, then export again."
        )
    reason = app_tools.problem(tool, specs)
    if reason is not None:
        return f"{reason}. Change it in n8n and export again."
    lifted = app_tools.lift_run_data(app_tools.params_of(tool), set())[1]  # aitools
    if lifted:
        return (
            f"it reads the run's data ({next(iter(lifted.values()))[:80]}), and an MCP "
            "client's call brings only the tool's arguments: fill it with $fromAI in n8n, "
            "then export again."
        )
    return None


def _as_served(data: dict[str, Any], trigger: dict[str, Any], tool: dict[str, Any]) -> Any:
    """An app tool's companion (app_tools.py) as the workflow an MCP client's call starts."""
    data = copy.deepcopy(data)
    server, name = str(trigger.get("name")), str(tool.get("name"))
    raw = trigger.get("parameters")
    params: dict[str, Any] = raw if isinstance(raw, dict) else {}
    auth = AUTH.get(str(params.get("authentication") or ""))
    path = str(params.get("path") or trigger.get("webhookId") or "")
    start, app = data["nodes"]
    start["name"] = TRIGGER_NAME
    start["notes"] = (
        f"n8n's MCP Server Trigger '{server}' served the tool '{name}' at its path "
        f"'{path}'{' to clients sending ' + auth if auth else ''}. WorkFuse's MCP server "
        "serves this workflow as a tool, while it is active, at the MCP URL the Settings page "
        "shows (SITE_URL/mcp/), to clients sending an API token of its owner; the tool's name "
        "is this workflow's name in lower case with its id (docs/mcp.md): point the MCP "
        "clients there."
    )
    app["notes"] = (
        f"n8n ran this node as the tool '{name}' of the MCP Server Trigger '{server}', with the "
        "client's arguments where it read $fromAI; here they are this workflow's inputs."
    )
    data["connections"] = {
        TRIGGER_NAME: {"main": [[{"node": app["name"], "type": "main", "index": 0}]]}
    }
    return data


def _refuse_others(
    main: Copy,
    data: Mapping[str, Any],
    triggers: list[dict[str, Any]],
    tools: dict[str, list[dict[str, Any]]],
) -> None:
    """Add to the main copy, refused, each node of the export that is neither an MCP Server
    Trigger nor one of their tools (nor a sticky note)."""
    served = {str(n.get("name")) for n in triggers}
    served |= {str(t.get("name")) for found in tools.values() for t in found}
    for node in _nodes(data):
        if not isinstance(node, dict) or node.get("type") == STICKY:
            continue
        name = str(node.get("name"))
        if name in served:
            continue
        refused = {k: v for k, v in node.items() if k != "position"}
        refused[READS_ELSEWHERE] = (
            f"n8n node '{name}' ({node.get('type')}) shares its export with the MCP Server "
            f"Trigger '{triggers[0].get('name')}' without being one of its tools; WorkFuse "
            "serves each MCP tool as a workflow of its own, and imports nothing else with "
            "them. Move the MCP Server Trigger and its tools to a workflow of their own in "
            "n8n, then export both."
        )
        main.member.data["nodes"].append(refused)


def _nodes(data: Mapping[str, Any]) -> list[Any]:
    nodes = data.get("nodes")
    return nodes if isinstance(nodes, list) else []
