"""n8n exports with several triggers of one kind, imported as several workflows by the set
import (`editor.transfer.import_n8n`), as app tools become companion workflows (app_tools.py).

A WorkFuse workflow has at most one trigger of each kind (DESIGN §3); n8n allows any number,
and a run started by one trigger executes only the nodes downstream of it. So such an export is
exactly several workflows: the main one keeps the first trigger of each kind, the nodes
reachable from those and the nodes no trigger reaches (as the importer alone keeps them); each
extra trigger gets a companion workflow holding it and the nodes reachable from it. A node
reachable from both is copied into both under its name. Sub-nodes (chat models, tools,
memories, ...) go with the nodes they configure.

Each copy keeps the export's node list at its length, the nodes of other copies replaced by
blank sticky notes (which the importer drops), so `nodes[i]` in any issue still names the node
of the file the user sent. A node reading `$('Name')` of a node that is not in its copy (the
other trigger, or a node only that trigger reaches) is refused there: in a run started by this
copy's trigger, n8n had not run that node either.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from editor.n8n import SPECS, describe, trigger_kinds
from editor.n8n.calls import Callee, CallTargets
from editor.n8n.converter import BASE, READS_ELSEWHERE
from editor.n8n.expressions import nodes_read
from editor.n8n.report import Report

if TYPE_CHECKING:
    from editor.models import Workflow
    from editor.n8n.sets import Member

STICKY = f"{BASE}stickyNote"
# Where a node's settings hold JavaScript rather than `=` expressions (Code, Function nodes).
CODE_KEYS = ("jsCode", "functionCode")


@dataclass(frozen=True)
class Copy:
    """One of the workflows an export becomes: its export (a member of the set), the n8n
    triggers it starts from, and the n8n names of the nodes it holds."""

    member: Member
    triggers: tuple[str, ...]
    names: frozenset[str]


@dataclass(frozen=True)
class Split:
    """An export of the set imported as several workflows: positions in the set's list."""

    main: int
    companions: tuple[int, ...]
    copies: tuple[Copy, ...]  # main first


def splits(data: dict[str, Any]) -> bool:
    """Whether the set import makes several workflows of this one export."""
    return bool(_extras(data))


def with_companions(group: list[Member]) -> tuple[list[Member], list[Split]]:
    """The set with each export that has several triggers of one kind made its main copy, and
    a companion per extra trigger added at the end; and where each split's copies are."""
    out: list[Member] = []
    made: list[Member] = []
    found: list[Split] = []
    for position, member in enumerate(group):
        extras = _extras(member.data)
        if not extras:
            out.append(member)
            continue
        copies = _copies(member, extras)
        out.append(copies[0].member)
        first = len(group) + len(made)
        made += [c.member for c in copies[1:]]
        found.append(Split(position, tuple(range(first, first + len(copies) - 1)), tuple(copies)))
    return out + made, found


def saved(split: Split, rows: list[Workflow]) -> list[tuple[Copy, Workflow]]:
    """Each copy of the split with its saved workflow (of the set's `rows`); the descriptions
    say which workflow runs which trigger."""
    made = list(zip(split.copies, [rows[i] for i in (split.main, *split.companions)], strict=True))
    main = made[0][1]
    moved = ", ".join(f"'{c.triggers[0]}' in '{w.name}'" for c, w in made[1:])
    main.description = (
        f"{main.description.rstrip('.')}. The n8n export had several triggers of one kind; "
        f"these start workflows of their own: {moved}."
    )
    for made_copy, workflow in made[1:]:
        workflow.description = (
            f"Imported from n8n: the nodes the trigger '{made_copy.triggers[0]}' of the export "
            f"'{main.name}' runs."
        )
    for _, workflow in made:
        workflow.save(update_fields=["description", "updated_at"])
    return made


def report(
    main: Report, made: list[tuple[Copy, Workflow]], companions: dict[str, Callee]
) -> Report:
    """The main workflow's import report covering every copy: each node outcome names the
    workflow holding that copy, and `workflows` lists them. Keeps each companion's n8n metadata
    (`Workflow.n8n_import`), as `editor.transfer.describe_imported` does for the main one."""
    main.workflows = [{"id": w.pk, "name": w.name, "triggers": list(c.triggers)} for c, w in made]
    for outcome in main.nodes:
        outcome.workflow = {"id": made[0][1].pk, "name": made[0][1].name}
    for made_copy, workflow in made[1:]:
        own = Callee(workflow.pk, workflow.name)
        targets = CallTargets(own=own, by_id=companions, probing=True)
        described = describe(made_copy.member.data, targets)
        if described is None:
            continue
        workflow.n8n_import = described.meta
        workflow.save(update_fields=["n8n_import"])
        for outcome in described.report.nodes:
            outcome.workflow = {"id": workflow.pk, "name": workflow.name}
            main.nodes.append(outcome)
        for slot in described.report.credentials:
            slot.message = f"In '{workflow.name}': {slot.message}"
            main.credentials.append(slot)
        main.added += described.report.added
    return main


def _extras(data: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The export's triggers as (extra trigger, the triggers of the main copy), empty when each
    kind has one trigger."""
    if sum(_is_trigger(n) for n in data.get("nodes") or []) < 2:
        return []  # not worth converting to learn the kinds
    first: dict[str, str] = {}
    extras: list[str] = []
    for name, kind in trigger_kinds(data):
        if first.setdefault(kind, name) != name:
            extras.append(name)
    return [(name, list(first.values())) for name in extras]


def _is_trigger(node: Any) -> bool:
    spec = SPECS.get(str(node.get("type") or "")) if isinstance(node, dict) else None
    return spec is not None and spec.data == "trigger"


def _copies(member: Member, extras: list[tuple[str, list[str]]]) -> list[Copy]:
    data = member.data
    names = [_name(n, i) for i, n in enumerate(data["nodes"]) if _is_node(n)]
    extra = [name for name, _ in extras]
    main_triggers = extras[0][1]
    sets = _node_sets(data, names, main_triggers, extra)
    titles = [member.name] + [f"{member.name}: {name}"[:200] for name in extra]
    copies: list[Copy] = []
    for i, keep in enumerate(sets):
        triggers = tuple(main_triggers) if i == 0 else (extra[i - 1],)
        if i == 0:
            made = replace(member, data=_copy(data, keep, {}))
        else:
            n8n_id = f"{member.n8n_id or member.index}/trigger/{extra[i - 1]}"
            fields = {"id": n8n_id, "name": titles[i]}
            made = replace(member, data=_copy(data, keep, fields), n8n_id=n8n_id, name=titles[i])
        copies.append(Copy(made, triggers, frozenset(keep)))
    elsewhere = {n: [titles[j] for j, s in enumerate(sets) if n in s] for n in names}
    for made_copy in copies:
        _refuse_reads_elsewhere(made_copy, elsewhere)
    return copies


def _node_sets(
    data: dict[str, Any], names: list[str], main_triggers: list[str], extra: list[str]
) -> list[set[str]]:
    """The n8n names each copy holds, the main copy's first, then one per extra trigger."""
    children, attached = _links(data)
    by_extra = [_reach(children, [name]) for name in extra]
    from_main = _reach(children, main_triggers)
    only_extra = set().union(*by_extra) - from_main
    free = {n for n in names if n not in only_extra and n not in attached}
    sets = [_with_sub_nodes((free | from_main) - set(extra), attached)]
    sets += [_with_sub_nodes(reached, attached) for reached in by_extra]
    sets[0] |= {n for n in names if not any(n in s for s in sets)}  # sub-nodes of nothing
    return [s & set(names) for s in sets]  # links may name nodes the export lacks


def _copy(data: dict[str, Any], keep: set[str], fields: dict[str, Any]) -> dict[str, Any]:
    """The export holding only the nodes `keep` (others blanked in place) and their links."""
    made = {k: v for k, v in data.items() if k not in ("nodes", "connections")}
    made["nodes"] = [
        copy.deepcopy(n) if _name(n, i) in keep or _kept_note(n, fields) else _blank(i)
        for i, n in enumerate(data["nodes"])
    ]
    made["connections"] = {
        source: {
            kind: [
                [t for t in _list(targets) if isinstance(t, dict) and t.get("node") in keep]
                for targets in _list(outputs)
            ]
            for kind, outputs in kinds.items()
        }
        for source, kinds in (data.get("connections") or {}).items()
        if source in keep and isinstance(kinds, dict)
    }
    return {**made, **fields}


def _kept_note(node: Any, fields: dict[str, Any]) -> bool:
    """The export's sticky notes stay in the main copy (the importer drops them anyway)."""
    return not fields and isinstance(node, dict) and node.get("type") == STICKY


def _blank(index: int) -> dict[str, Any]:
    return {"name": f"(not in this workflow {index})", "type": STICKY, "parameters": {}}


def _refuse_reads_elsewhere(made: Copy, elsewhere: dict[str, list[str]]) -> None:
    """Mark each node of the copy reading a node the copy does not hold, with why."""
    nodes = made.member.data["nodes"]
    for index, raw in enumerate(nodes):
        name = _name(raw, index)
        if name not in made.names or not isinstance(raw, dict):
            continue
        missing = [
            n for n in _read(raw.get("parameters")) if n in elsewhere and n not in made.names
        ]
        if not missing:
            continue
        other = missing[0]
        where = " and ".join(f"'{t}'" for t in elsewhere[other])
        started = " or ".join(f"'{t}'" for t in made.triggers)
        raw[READS_ELSEWHERE] = (
            f"n8n node '{name}' ({raw.get('type')}) reads $('{other}'), which the import puts "
            f"only in the workflow {where}: the export has several triggers of one kind, so it "
            f"becomes one workflow per trigger, and this copy of '{name}' (in "
            f"'{made.member.name}') runs after {started}, before which n8n had not run "
            f"'{other}' either. Read the data from the node's input or the nodes before it "
            "(or split the workflow in n8n), then export again."
        )


def _read(params: Any, key: str = "") -> Iterable[str]:
    """The n8n node names the settings read, in expressions and in code."""
    if isinstance(params, str):
        if params.startswith("="):
            yield from nodes_read(params[1:], expression=True)
        elif key in CODE_KEYS:
            yield from nodes_read(params, expression=False)
    elif isinstance(params, list):
        for value in params:
            yield from _read(value, key)
    elif isinstance(params, dict):
        for k, value in params.items():
            yield from _read(value, str(k))


def _links(data: dict[str, Any]) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """The main links (source -> targets), and each sub-node's nodes it configures (its links
    of other kinds: `ai_languageModel`, `ai_tool`, ...)."""
    children: dict[str, list[str]] = defaultdict(list)
    attached: dict[str, set[str]] = defaultdict(set)
    for source, kinds in (data.get("connections") or {}).items():
        if not isinstance(kinds, dict):
            continue
        for kind, outputs in kinds.items():
            for targets in _list(outputs):
                for target in _list(targets):
                    name = target.get("node") if isinstance(target, dict) else None
                    if not isinstance(name, str):
                        continue
                    if kind == "main":
                        children[source].append(name)
                    else:
                        attached[source].add(name)
    return children, attached


def _reach(children: dict[str, list[str]], starts: list[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += children.get(name, [])
    return seen


def _with_sub_nodes(names: set[str], attached: dict[str, set[str]]) -> set[str]:
    """`names` and the sub-nodes configuring any of them, transitively."""
    found = set(names)
    grew = True
    while grew:
        more = {sub for sub, targets in attached.items() if sub not in found and targets & found}
        found |= more
        grew = bool(more)
    return found


def _is_node(raw: Any) -> bool:
    return isinstance(raw, dict) and raw.get("type") != STICKY


def _name(raw: Any, index: int) -> str:
    """The node's name as the converter reads it."""
    return str(raw.get("name") or f"Node {index + 1}") if isinstance(raw, dict) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
