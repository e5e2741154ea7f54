"""Several n8n exports imported together: workflows that call each other keep their calls.

The caller (`editor.transfer.import_n8n`) gives each export of the set the WorkFuse id its
workflow will have; each is then converted knowing the others (`editor.n8n.calls`): its Execute
Workflow nodes call the new ids, with the inputs the called workflow takes. What a workflow
takes and returns is read from its own conversion, so the set is converted twice: a first
pass learns it, the second builds the graphs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from jinja2 import TemplateSyntaxError
from jinja2 import nodes as jnodes

from editor import templating
from editor.graph import GraphIssue, ImportRefused
from editor.n8n import SPECS, convert, convert_traced, looks_like_n8n
from editor.n8n.calls import Callee, CallTargets
from editor.n8n.converter import N8nNode
from editor.n8n.expressions import json_fields

MAX_FILES = 50
# Node types that read the node before them whole, without a template naming its fields.
READS_INPUT_WHOLE = {"action.code"}
# Nodes that are never a run's last output: triggers start it, a stop fails it.
ENDS_ELSEWHERE = ("trigger.", "logic.stop")


@dataclass(frozen=True)
class Member:
    """One export of the set: its place in the list, its n8n id and name."""

    index: int
    data: dict[str, Any]
    n8n_id: str
    name: str


def members(documents: Sequence[Any]) -> list[Member]:
    """The exports of a set, checked: n8n workflow exports, each n8n id once."""
    if not documents:
        raise ImportRefused([GraphIssue(None, "file", "The list holds no workflow to import.")])
    if len(documents) > MAX_FILES:
        raise ImportRefused(
            [
                GraphIssue(
                    None,
                    "file",
                    f"The list holds {len(documents)} workflows; import at most {MAX_FILES} at once.",
                )
            ]
        )
    issues: list[GraphIssue] = []
    found: list[Member] = []
    seen: dict[str, int] = {}
    for i, data in enumerate(documents):
        if not isinstance(data, dict) or not looks_like_n8n(data):
            issues.append(
                GraphIssue(
                    None,
                    f"[{i}]",
                    f"Item {i + 1} of the list is not an n8n workflow export; a list imports "
                    "n8n workflows together (a WorkFuse export is imported on its own).",
                )
            )
            continue
        n8n_id = str(data.get("id") or "")
        name = str(data.get("name") or "").strip() or "Imported n8n workflow"
        if n8n_id and n8n_id in seen:
            issues.append(
                GraphIssue(
                    None,
                    f"[{i}].id",
                    f"Items {seen[n8n_id] + 1} and {i + 1} are the same n8n workflow (id {n8n_id}); "
                    "import each once.",
                )
            )
            continue
        seen[n8n_id] = i
        found.append(Member(i, data, n8n_id, name[:200]))
    if issues:
        raise ImportRefused(issues)
    return found


def convert_set(
    group: list[Member],
    ids: list[int],
    origins: list[dict[str, N8nNode]] | None = None,
    earlier: Callable[[str], Callee | None] | None = None,
) -> list[dict[str, Any]]:
    """The WorkFuse graph of each export (in order), `ids[i]` being the WorkFuse id of
    `group[i]`'s workflow; ImportRefused lists every problem of every export, each message
    naming its workflow. `origins` (quality), when given, receives for each export the n8n
    node behind each WorkFuse node (`editor.n8n.named_issues`). `earlier` finds a workflow
    imported from n8n before by its n8n id, for calls to workflows not in the set."""
    callees = [Callee(ids[i], m.name) for i, m in enumerate(group)]
    for i, member in enumerate(group):
        try:
            graph = convert(member.data, _targets(group, callees, i, True, earlier))
        except ImportRefused:
            continue  # the second pass reports it
        callees[i] = replace(callees[i], **_facts(graph, partial(_n8n_type, member.data)))
    graphs, issues = [], []
    for i, member in enumerate(group):
        try:
            graph, traced = convert_traced(member.data, _targets(group, callees, i, False, earlier))
            graphs.append(graph)
            if origins is not None:  # quality
                origins.append(traced)
        except ImportRefused as exc:
            issues += [_placed(member, issue, len(group)) for issue in exc.issues]
    if issues:
        raise ImportRefused(issues)
    return graphs


def placed(member: Member, issues: list[GraphIssue], size: int) -> list[GraphIssue]:
    """Issues of one export of a set, placed and named by its workflow."""
    return [_placed(member, issue, size) for issue in issues]


def _placed(member: Member, issue: GraphIssue, size: int) -> GraphIssue:
    if size == 1:
        return issue
    field = f"[{member.index}].{issue.field}" if issue.field else f"[{member.index}]"
    return GraphIssue(issue.node_id, field, f"In '{member.name}': {issue.message}")


def _targets(
    group: list[Member],
    callees: list[Callee],
    i: int,
    probing: bool,
    earlier: Callable[[str], Callee | None] | None,
) -> CallTargets:
    by_name: dict[str, Callee] = {}
    for m, c in zip(group, callees, strict=True):
        by_name.setdefault(m.name, c)
    return CallTargets(
        own=callees[i],
        by_id={m.n8n_id: c for m, c in zip(group, callees, strict=True) if m.n8n_id},
        by_name=by_name,
        probing=probing,
        earlier=earlier,
    )


def saved_callee(pk: int, name: str, graph: dict[str, Any], meta: dict[str, Any]) -> Callee:
    """A workflow imported from n8n earlier, as its callers need to know it: its graph, and its
    kept n8n metadata (`Workflow.n8n_import`) giving the n8n type of each node."""
    types = {
        str(view.get("name")): str(view.get("type") or "")
        for view in (meta.get("nodes") or {}).values()
        if isinstance(view, dict)
    }
    return Callee(pk, name, **_facts(graph, lambda label: types.get(str(label), "")))


def _facts(graph: dict[str, Any], n8n_type: Callable[[Any], str]) -> dict[str, Any]:
    """What callers need to know of a converted workflow: the inputs it takes and where its
    result lies (`n8n_type`: the n8n type of the node a WorkFuse node's label names)."""
    nodes, edges = _called_part(
        [n for n in graph.get("nodes") or [] if isinstance(n, dict)],
        [e for e in graph.get("edges") or [] if isinstance(e, dict)],
    )
    facts: dict[str, Any] = {"fields": _fields(nodes, edges)}
    sources = {e.get("source") for e in edges}
    ends = [
        n
        for n in nodes
        if n.get("id") not in sources and not str(n.get("type")).startswith(ENDS_ELSEWHERE)
    ]
    if len(ends) == 1:
        spec = SPECS.get(n8n_type(ends[0].get("label")))
        if spec is not None and spec.data not in (None, "trigger"):
            facts["output"], facts["aliases"] = spec.data, spec.aliases
    return facts


def _called_part(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The nodes and edges a call runs: those its trigger.workflow reaches (a workflow that
    also has other triggers, as one calling itself, runs only these when called); the whole
    graph when it has no such trigger."""
    trigger = next((n for n in nodes if n.get("type") == "trigger.workflow"), None)
    if trigger is None:
        return nodes, edges
    after: dict[Any, list[Any]] = {}
    for edge in edges:
        after.setdefault(edge.get("source"), []).append(edge.get("target"))
    reached, frontier = {trigger.get("id")}, [trigger.get("id")]
    while frontier:
        for target in after.get(frontier.pop(), []):
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    return (
        [n for n in nodes if n.get("id") in reached],
        [e for e in edges if e.get("source") in reached],
    )


def _fields(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> tuple[str, ...] | None:
    """The inputs a called workflow takes: those its trigger declares, or else the fields of
    `trigger` its templates read; None when a node reads the call whole."""
    trigger = next((n for n in nodes if n.get("type") == "trigger.workflow"), None)
    if trigger is None:
        return ()
    declared = (trigger.get("config") or {}).get("inputs") or []
    if declared:
        return tuple(str(i.get("name")) for i in declared)
    after = {e.get("target") for e in edges if e.get("source") == trigger.get("id")}
    if any(n.get("id") in after and n.get("type") in READS_INPUT_WHOLE for n in nodes):
        return None
    fields: list[str] = []
    for node in nodes:
        for _, text in templating.template_strings(node.get("config") or {}):
            try:
                tree = templating.parse(text)
            except (TemplateSyntaxError, templating.TemplateError):  # perfiles: parse's own
                continue  # validation reports it
            read = _expression_reads(tree)
            if read is None:
                return None
            paths = [("trigger", name) for name in read] + templating.referenced_paths(tree)
            for path in paths:
                if path[0] != "trigger":
                    continue
                if len(path) < 2 or not isinstance(path[1], str):
                    return None
                if path[1] not in fields:
                    fields.append(path[1])
    return tuple(fields)


def _expression_reads(tree: jnodes.Template) -> list[str] | None:
    """The fields of `trigger` the n8n expressions of a template (`n8n('...', json=trigger)`)
    read, each such `json=trigger` then dropped from `tree`; None when one reads it whole."""
    fields: list[str] = []
    for call in tree.find_all(jnodes.Call):
        whole = [
            k
            for k in call.kwargs
            if k.key == "json" and isinstance(k.value, jnodes.Name) and k.value.name == "trigger"
        ]
        source = call.args[0] if call.args else None
        if not whole or not isinstance(call.node, jnodes.Name) or call.node.name != "n8n":
            continue
        if not isinstance(source, jnodes.Const) or not isinstance(source.value, str):
            return None
        read = json_fields(source.value)
        if read is None:
            return None
        fields += read
        call.kwargs = [k for k in call.kwargs if k not in whole]
    return fields


def _n8n_type(data: dict[str, Any], name: Any) -> str:
    for node in data.get("nodes") or []:
        if isinstance(node, dict) and node.get("name") == name:
            return str(node.get("type") or "")
    return ""


def error_workflow_note(data: dict[str, Any]) -> str:
    """What the description says of an n8n error workflow that is not imported with it."""
    named = _error_workflow(data)
    if not named:
        return ""
    return (
        f". n8n reported its failures to the error workflow with n8n id {named}, which was "
        "not imported with it: choose an error workflow in Settings."
    )


def _error_workflow(data: dict[str, Any]) -> str:
    settings = data.get("settings")
    named = settings.get("errorWorkflow") if isinstance(settings, dict) else None
    return str(named or "")


def error_workflows(group: list[Member]) -> list[tuple[int | None, str]]:
    """For each export, the index in the set of its n8n error workflow (`settings.errorWorkflow`)
    and that workflow's n8n id; (None, "") when it names none, (None, id) when it is not in the
    set."""
    index = {m.n8n_id: i for i, m in enumerate(group) if m.n8n_id}
    found: list[tuple[int | None, str]] = []
    for member in group:
        named = _error_workflow(member.data)
        found.append((index.get(named), named))
    return found
