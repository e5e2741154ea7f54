"""n8n loops with several ways out as one `logic.repeat` and a Switch after it.

A poll (`cycles.py`) leaves by one IF or Switch right before its edge back. Many n8n loops do
more: a retry loop checks the answer (leave if sent), works out whether to try again (leave if
not), counts, waits and goes round; a node's error output goes round while its success leaves;
a Set between the last check and the loop's first node gets the next round ready. Such a loop
converts when the rest of the workflow enters it at one node, and each output of its nodes
either stays in the loop or leaves it. Then:

* the Repeat takes the entry's place, and its `body` is the whole loop, from the entry to the
  node linking back, so every node runs in the round, in n8n's order;
* each way out of the chain (an output leading out: an IF's, a Switch's, an error output, ...)
  leads in the body to a step handing on the item that left (`utility.transform`, as No
  Operation imports), and so does the output going round: these are the body's last steps, so
  the Repeat's `last` says, by step id, which of them ran, with the item;
* `until` holds when the step going round did not run; `done` leads to a Switch which, by the
  step that ran, sends the run on to the nodes the loop was left to; they read the item that
  left (`$json`) as `nodes.<repeat>.last.<step>.result`, and a node of the loop by name
  (`$('Node').item`) as `nodes.<repeat>.last.<step>.kept.<id>`, which that step keeps beside
  the item where every round leaving for the reader ran the node (the loop is one chain: a
  round leaving at a node ran every node before it);
* an entry reading the file of what came in reads, after the first round, the file of the
  item that went round where the node going round makes that file (a form page asking for it
  again): `(<outside> if iteration == 0 else carried.<step going round>.result…)`;
* when the entry reads its input, the Repeat carries (`carry`), and `$json` there reads
  `(<outside> if iteration == 0 else carried.<step going round>.result)`, as n8n hands the entry
  what came in first and what went round after;
* n8n went round without a bound; the Repeat stops after `max_iterations` rounds and
  `exhausted` leads to a Stop saying so.

The round need not be a chain (`find`): it may fork and join again in a Merge (Seedance's poll
runs its check and its carried state side by side) as long as it goes on by one link back,
every fork whose branches may both run joins before the round goes on or leaves, no other node
joins two branches (not followed inside rounds yet, `_joined`), and one item goes
round. A loop entered at two nodes, going round from several nodes, sending one output both
round and out, or with no way to end a round is refused with the shape named
(`cycles.unlink_polls`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from editor.n8n.items import takes_all
from editor.n8n.names import MAX_HANDLE, MAX_ID, unique

if TYPE_CHECKING:
    from editor.n8n.converter import Converter
    from editor.n8n.expressions import Reference

BASE = "n8n-nodes-base."
LANGCHAIN = "@n8n/n8n-nodes-langchain."
DECIDERS = {f"{BASE}if", f"{BASE}switch", f"{BASE}filter"}
Port = tuple[str, int]  # an n8n node's output: (node name, output index)


@dataclass
class Rounds:
    """One n8n loop with several ways out, by n8n node names."""

    entry: str
    order: list[str]  # the loop's nodes, each after those linking to it; the last links back
    again: int  # the output of the last node in `order` that goes round
    exits: list[Port]  # the outputs leading out of the loop, in the chain's order
    carry: bool = False  # the entry reads its input, which goes round from round to round
    unfit: str = ""  # why what goes round cannot be given to the entry, if it cannot
    went_round: str = ""  # the id of the body step handing on the item going round
    carried_files: list[str] = field(default_factory=list)  # the entry's files, per round
    resolving: bool = False  # working out what goes round (it may pass through the entry)

    @property
    def back(self) -> str:
        return self.order[-1]


def find(cx: Converter, loop: list[str]) -> Rounds | str | None:
    """The loop as rounds with several ways out, why it cannot be, or None when it has no way
    to end a round (nothing leads out and nothing in it can drop the item).

    A round may branch and join again (a fork into two nodes that a Merge joins, an IF whose
    outputs lead to one node): what the Repeat needs is that the rest of the workflow enters at
    one node, the round goes on by one link back to it, and the round ends in exactly one way.
    So the loop's nodes without the link back are a graph without cycles (`_round_order`), and
    every fork whose branches may both run (one output to two nodes, or a node whose outputs
    are not a choice) joins again before any way the round ends (`_open_fork`)."""
    members = set(loop)
    inside: dict[Port, set[str]] = defaultdict(set)
    outside: dict[Port, set[str]] = defaultdict(set)
    for source, index, target in cx.links:
        if source in members:
            (inside if target in members else outside)[(source, index)].add(target)
    both = sorted(set(inside) & set(outside), key=lambda p: cx.nodes[p[0]].index)
    if both:
        return (
            f"'{both[0][0]}' sends its items both round the loop again and out of it by the "
            "same output, and a round of a Repeat either goes on or leaves"
        )
    entries = [n for n in loop if any(p not in members for p, _ in cx.parents.get(n, []))]
    if len(entries) != 1:
        return "the rest of the workflow must enter the loop at one node"
    entry = entries[0]
    backs = sorted((p for p in inside if entry in inside[p]), key=lambda p: cx.nodes[p[0]].index)
    if len(backs) != 1:
        names = ", ".join(f"'{name}'" for name, _ in backs)
        return (
            f"it goes round again from several nodes ({names}), and a Repeat's round goes on "
            "in one way: join them in one node before the loop's first node"
        )
    port = backs[0]
    if len(inside[port]) != 1:
        return f"it branches inside the loop at '{port[0]}'"
    order = _round_order(cx, loop, inside, entry)
    if isinstance(order, str):
        return order
    joined = _joined(cx, order, inside, entry)
    if joined is not None:
        return joined
    ends = {port, *outside}
    fork = _open_fork(cx, order, inside, ends)
    if fork is not None:
        return (
            f"it branches inside the loop at '{fork}' into branches that may both run and do "
            "not join again before the round goes on or leaves, and a round of a Repeat ends "
            "in one way"
        )
    exits = sorted(outside, key=lambda p: (order.index(p[0]), p[1]))
    if not exits and not any(cx.nodes[n].type in DECIDERS for n in loop):
        return None
    return Rounds(entry, order, port[1], exits)


def _round_order(
    cx: Converter, loop: list[str], inside: dict[Port, set[str]], entry: str
) -> list[str] | str:
    """The loop's nodes in an order in which each comes after the nodes linking to it in the
    round (ties in the export's order), from the entry to the node linking back; why not, when
    the round has a loop of its own."""
    children: dict[str, set[str]] = defaultdict(set)
    waiting = dict.fromkeys(loop, 0)
    for (source, _), targets in inside.items():
        for target in targets - {entry}:
            if target not in children[source]:
                children[source].add(target)
                waiting[target] += 1
    order: list[str] = []
    ready = [entry] if waiting[entry] == 0 else []
    while ready:
        name = ready.pop(0)
        order.append(name)
        for child in sorted(children[name], key=lambda n: cx.nodes[n].index):
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    if len(order) != len(loop):
        stuck = next(n for n in loop if n not in order)
        return f"it goes round a second loop inside its rounds (at '{stuck}')"
    return order


def _joined(
    cx: Converter, order: list[str], inside: dict[Port, set[str]], entry: str
) -> str | None:
    """Why the round cannot join two branches at a node, if it does: n8n hands a node other
    than a Merge reached by two links of the round the item of whichever branch ran. The
    converter reads such joins by the branch that ran (`Converter._joined_ref`), which has not
    been carried over to a Repeat's rounds, so they stay refused there."""
    for name in order:
        sources = [port for port, targets in inside.items() if name in targets]
        if name != entry and len(sources) > 1 and cx.nodes[name].type != f"{BASE}merge":
            names = " and ".join(f"'{source}'" for source, _ in sources)
            return (
                f"its branches from {names} join again at '{name}', which n8n runs on the "
                "item of whichever branch ran; the import reads such a join by the branch "
                "that ran outside loops, not yet inside a Repeat's rounds"
            )
    return None


def _open_fork(
    cx: Converter, order: list[str], inside: dict[Port, set[str]], ends: set[Port]
) -> str | None:
    """The first node of the round whose branches may both run and do not join again before a
    way the round ends (`ends`: the link back and the outputs leading out), if any.

    A node post-dominates another when every path from that one to the round's end passes it;
    a fork is closed when its branches' post-dominators share a node of the round."""
    end = ""  # the round's end, after each of `ends`
    after: dict[str, set[str]] = {}
    for name in reversed(order):
        nexts = [{end} for port in ends if port[0] == name]
        nexts += [
            after[target]
            for port, targets in inside.items()
            if port[0] == name and port not in ends
            for target in targets
        ]
        after[name] = {name} | (set.intersection(*nexts) if nexts else set())
    for name in order:
        ports = sorted({index for source, index in [*inside, *ends] if source == name})
        groups = [[p] for p in ports] if _chooses(cx, name) else [ports]
        for group in groups:
            branches: list[set[str]] = []
            for index in group:
                if (name, index) in ends:
                    branches.append({end})
                else:
                    branches += [after[t] for t in inside[(name, index)]]
            if len(branches) > 1 and set.intersection(*branches) <= {end}:
                return name
    return None


def _chooses(cx: Converter, name: str) -> bool:
    """Whether each item leaves the n8n node by one of its outputs only (an IF, a Switch, a
    classifier picking one category, a node routing its errors to an output of their own)."""
    node = cx.nodes[name]
    options = node.params.get("options") or {}
    if node.type in DECIDERS or node.type == f"{LANGCHAIN}textClassifier":
        return not (options.get("allMatchingOutputs") or options.get("multiClass"))
    return node.raw.get("onError") == "continueErrorOutput"


def carried_ref(cx: Converter, loop: Rounds, outside: Reference | None) -> Reference | None:
    """What `$json` reads in the loop's entry: what came in from outside in the first round and,
    after that, the item that went round, which the body's step `went_round` hands on."""
    if loop.resolving:
        return outside  # everything between passes the entry's own item on
    loop.resolving = True
    try:
        ref = cx.output_ref(loop.back, loop.again, set())
    finally:
        loop.resolving = False
    if outside is None or ref is None:
        loop.unfit = unknown_round_input(
            f"n8n node '{loop.entry}' reads its input ($json)", loop.back
        )
        return outside
    if ref[1] != outside[1]:
        came_in = cx.parents[loop.entry][0][0]
        loop.unfit = renamed_round_input(
            f"n8n node '{loop.entry}' reads its input ($json)",
            came_in,
            f"what '{loop.back}' passed on",
        )
        return outside
    loop.carry = True
    went_round = _went_round(cx, loop)
    carried = f"carried.{went_round}" if loop.exits else "carried"  # `last`: by step id or not
    return f"({outside[0]} if iteration == 0 else {carried}.result)", outside[1]


def carried_file(cx: Converter, loop: Rounds, prop: str, outside: str) -> str:
    """The file in binary property `prop` of the item the loop's entry receives, whose path is
    `outside` for what came in from outside: in the first round that, and after it the file of
    the item that went round, which the node going round makes (a form page asking for the
    file again) and the Repeat carries. `outside` unchanged when that node makes no such file
    (the entry's read then stays refused, `reads_what_came_in`)."""
    made = cx.file_made_by(loop.back, prop)
    # The node going round may not be converted yet: its output is `nodes.<id>` where it
    # makes the file itself, which `_ways` checks once it is.
    own = f"nodes.{cx.nodes[loop.back].id}"
    if made is None or not made.startswith(own + "."):
        return outside
    loop.carry = True
    went_round = _went_round(cx, loop)
    carried = f"carried.{went_round}" if loop.exits else "carried"
    found = f"({outside} if iteration == 0 else {carried}.result{made[len(own) :]})"
    loop.carried_files.append(found)
    return found


def unknown_round_input(reader: str, back: str) -> str:
    """The refusal when a round's entry reads what went round and WorkFuse cannot tell what."""
    return (
        f"{reader}, which in each round after the first is what '{back}' passed on in the "
        "round before, and WorkFuse cannot tell what that is; read the fields from the node "
        "that makes them ($('Name')) in n8n and export again."
    )


def renamed_round_input(reader: str, came_in: str, after: str) -> str:
    """The refusal when the first round and the later rounds hand the entry fields of two names."""
    return (
        f"{reader}, which is the output of '{came_in}' in the first round of its loop and "
        f"{after} after that; their fields are named differently in WorkFuse, so one template "
        "cannot read both. Read the fields by node name ($('Name')) in n8n and export again."
    )


def _went_round(cx: Converter, loop: Rounds) -> str:
    if not loop.went_round:
        loop.went_round = cx.step_id(cx.nodes[loop.back], "went_round")
    return loop.went_round


# --- the repeat --------------------------------------------------------------------------


@dataclass
class _Way:
    """A way a round ends in the WorkFuse body: the ports it leaves by and its step."""

    node_id: str
    handles: list[str]
    step: dict[str, Any]
    ref: str = ""  # the template the item that leaves is, as the nodes after the loop read it
    edges: list[dict[str, Any]] = field(default_factory=list)  # out of the loop, from here


def as_repeat(
    cx: Converter,
    loop: Rounds,
    rounds: int,
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The converted graph with the loop's nodes in the body of a Repeat, each way out of a
    round a step at the body's end, and a Switch after the Repeat taking the run where n8n
    left the loop to. Returns the graph unchanged when a part cannot be followed (refused)."""
    body_ids = {cx.nodes[name].id for name in loop.order}
    for node_id in list(body_ids):
        body_ids |= {step["id"] for step in cx.steps_before.get(node_id, ())}
    entry_id = cx.nodes[loop.entry].id
    first = cx.steps_before.get(entry_id, [{"id": entry_id}])[0]["id"]
    if reads_what_came_in(cx, loop, nodes):
        return nodes, edges
    ways = _ways(cx, loop)
    if ways is None:
        return nodes, edges
    leaving = [w for w in ways if w.step["id"] != loop.went_round]
    by_port = {(w.node_id, h): w for w in leaving for h in w.handles}
    taken = {n["id"] for n in nodes} | cx.step_ids
    repeat_id = unique(f"repeat_{entry_id}"[:MAX_ID].rstrip("_"), taken, MAX_ID)
    taken.add(repeat_id)
    router_id = unique(f"way_out_{entry_id}"[:MAX_ID].rstrip("_"), taken, MAX_ID)
    taken.add(router_id)
    stop_id = unique(f"gave_up_{entry_id}"[:MAX_ID].rstrip("_"), taken, MAX_ID)
    rewired: list[dict[str, Any]] = []
    for edge in edges:
        source, target = edge["source"], edge["target"]
        if source in body_ids and target not in body_ids:
            way = by_port.get((source, edge.get("source_handle", "main")))
            if way is None:
                name = next((n for n in loop.order if cx.nodes[n].id == source), loop.entry)
                cx.refuse(
                    cx.nodes[name],
                    f"n8n node '{name}' leads out of its loop in a way the import cannot follow "
                    "into a Repeat; build the loop here with 'Repeat until'.",
                )
                return nodes, edges
            way.edges.append(edge)
            continue
        if target == first and source not in body_ids:
            edge = {**edge, "target": repeat_id}
        rewired.append(edge)
    handles = _router_handles(leaving)
    rewired.append({"source": repeat_id, "source_handle": "body", "target": first})
    for way in ways:
        for handle in way.handles:
            edge = {"source": way.node_id, "target": way.step["id"]}
            rewired.append(edge if handle == "main" else {**edge, "source_handle": handle})
    if leaving:
        rewired.append({"source": repeat_id, "source_handle": "done", "target": router_id})
    for way, handle in zip(leaving, handles, strict=True):
        rewired += [{**e, "source": router_id, "source_handle": handle} for e in way.edges]
    rewired.append({"source": repeat_id, "source_handle": "exhausted", "target": stop_id})
    entry = next(n for n in nodes if n["id"] == entry_id)
    x, y = entry["position"]["x"], entry["position"]["y"]
    added = [
        _repeat(loop, bool(leaving), repeat_id, stop_id, rounds, (x, y - 180)),
        *(way.step for way in ways),
        {
            "id": stop_id,
            "type": "logic.stop",
            "label": "Gave up going round",
            "position": {"x": x + 240, "y": y - 180},
            "config": {
                "message": f"'{loop.back}' still went round again after {rounds} rounds.",
                "code": "LOOP_EXHAUSTED",
            },
        },
    ]
    if leaving:
        added.append(_router(repeat_id, router_id, leaving, handles, (x + 240, y - 360)))
    kept = _read_after(cx, loop, repeat_id, body_ids, leaving, nodes, edges)
    if kept is None:
        return nodes, edges
    cx.caveats.setdefault(loop.back, []).append(
        f"n8n went round the loop through '{loop.back}' without a bound; WorkFuse's Repeat "
        f"stops after {rounds} rounds (max_iterations) and then fails at '{stop_id}'."
    )
    return [*kept, *added], rewired


def reads_what_came_in(cx: Converter, loop: Rounds, nodes: list[dict[str, Any]]) -> bool:
    """Whether the entry reads what came into the loop other than as its item (`$json`), which
    after the first round n8n takes from what went round: its file, or all its items (a node
    taking every item); refused when so. An entry that passes its item on (a Wait) is read
    through by the nodes after it: their settings are checked too."""
    parent, index = cx.parents[loop.entry][0]
    came_in = cx.output_ref(parent, index, set())
    entry = cx.nodes[loop.entry]
    readers = loop.order if cx.spec_of(loop.entry).data is None else [loop.entry]
    file = re.compile(re.escape(came_in[0]) + r"\.(files|file|binary)\b") if came_in else None
    ids = {cx.nodes[name].id: name for name in readers}
    # Reads of the file that went round (`carried_file`) are not reads of what came in.
    carried = [(re.compile(re.escape(text)), "") for text in loop.carried_files]
    found = next(
        (
            ids[node["id"]]
            for node in nodes
            if node["id"] in ids
            and file is not None
            and file.search(repr(_swapped(node["config"], carried)))
        ),
        loop.entry if takes_all(entry) else None,
    )
    if found is None:
        return False
    cx.refuse(
        cx.nodes[found],
        f"n8n node '{found}' reads the file or the items that came into its loop from "
        f"'{parent}', which n8n takes from what '{loop.back}' passed on after the first round; "
        "a Repeat hands each round only the item ($json). Read it by $json in n8n and export "
        "again, or build the loop here with 'Repeat until'.",
    )
    return True


def _ways(cx: Converter, loop: Rounds) -> list[_Way] | None:
    """A step per way a round ends (the output going round, each way out), handing on the
    item as n8n passes it on there; None (refused) when WorkFuse cannot tell what that is."""
    ways = []
    for name, index in [(loop.back, loop.again), *loop.exits]:
        node = cx.nodes[name]
        converted = cx.converted[name]
        if (name, index) == (loop.back, loop.again) and _sends_many(cx, name, index):
            cx.refuse(
                node,
                f"n8n node '{name}' sends several items round its loop (a Merge appending, "
                "a Code node returning a list), and n8n runs the next round once per item; a "
                "round of a Repeat starts from one item. Make it one item in n8n (an Aggregate "
                "before the loop goes round) and export again.",
            )
            return None
        ref = cx.output_ref(name, index, set())
        if ref is None or index >= len(converted.outputs):
            cx.refuse(
                node,
                f"n8n node '{name}' ends a round of its loop by its output {index + 1}, and "
                "WorkFuse cannot tell what item it hands on there; build the loop here with "
                "'Repeat until'.",
            )
            return None
        going_round = (name, index) == (loop.back, loop.again)
        if going_round and loop.carried_files and ref[0] != f"nodes.{node.id}":
            cx.refuse(
                cx.nodes[loop.entry],
                f"n8n node '{loop.entry}' reads the file that '{name}' passes on round its "
                "loop, and WorkFuse cannot tell which item that is; build the loop here with "
                "'Repeat until'.",
            )
            return None
        step_id = _went_round(cx, loop) if going_round else cx.step_id(node, f"left_{index}")
        label = f"Round again after {name}" if going_round else f"Left the loop by {name}"
        step = {
            "id": step_id,
            "type": "utility.transform",
            "label": label[:200],
            "position": {"x": 0, "y": 0},
            "config": {"language": "jmespath", "expression": "@", "input": f"{{{{ {ref[0]} }}}}"},
        }
        ways.append(_Way(node.id, list(converted.outputs[index]), step, ref[0]))
    for i, way in enumerate(ways):
        way.step["position"] = {"x": 240 * i, "y": -360}
    return ways


def _sends_many(cx: Converter, name: str, index: int) -> bool:
    """Whether the n8n node's output `index` may carry several items, as the item flow planned
    it; the link back is not in that plan, so an output used only by it is judged by its node
    (one passing its input on sends as many items as it gets)."""
    out = cx.flow.out.get((name, index))
    if out is not None:
        return out.many
    node = cx.nodes[name]
    if cx.spec_of(name).data is None and not takes_all(node):
        return any(cx.flow.out[p].many for p in cx.parents.get(name, []) if p in cx.flow.out)
    return cx.flow.emits_many(node)


def _router_handles(leaving: list[_Way]) -> list[str]:
    taken: set[str] = {"default"}
    handles = []
    for way in leaving:
        handle = unique(way.step["id"][:MAX_HANDLE].rstrip("_"), taken, MAX_HANDLE)
        taken.add(handle)
        handles.append(handle)
    return handles


def _repeat(
    loop: Rounds,
    leaves: bool,
    repeat_id: str,
    stop_id: str,
    rounds: int,
    at: tuple[Any, Any],
) -> dict[str, Any]:
    # With no way out, the step going round is the body's only last step: `last` is its output.
    went_round = f"last.{loop.went_round}" if leaves else "last"
    config: dict[str, Any] = {
        "max_iterations": rounds,
        "delay_seconds": 0,
        "until": {
            "combinator": "and",
            "rules": [{"left": f"{{{{ {went_round} }}}}", "operator": "is_empty"}],
        },
    }
    notes = (
        f"Imported from the n8n loop {' → '.join(loop.order)}: each round runs it once, and "
        f"the round goes on while '{loop.back}' goes round again. n8n went round without end; "
        f"this stops after {rounds} rounds and fails at '{stop_id}' (raise max_iterations if "
        "it needs longer)."
    )
    if loop.carry:
        config["carry"] = True
        notes += (
            f" Each round starts from what '{loop.back}' passed on in the round before (carry), "
            "as in n8n."
        )
    return {
        "id": repeat_id,
        "type": "logic.repeat",
        "label": f"Repeat {loop.entry} … {loop.back}"[:200],
        "position": {"x": at[0], "y": at[1]},
        "config": config,
        "notes": notes,
    }


def _router(
    repeat_id: str,
    router_id: str,
    leaving: list[_Way],
    handles: list[str],
    at: tuple[Any, Any],
) -> dict[str, Any]:
    cases = [
        {
            "handle": handle,
            "combinator": "and",
            "rules": [
                {"left": f"{{{{ nodes.{repeat_id}.last.{way.step['id']} }}}}", "operator": "exists"}
            ],
        }
        for way, handle in zip(leaving, handles, strict=True)
    ]
    return {
        "id": router_id,
        "type": "logic.switch",
        "label": "Where the loop was left",
        "position": {"x": at[0], "y": at[1]},
        "config": {"cases": cases, "default_handle": "default"},
        "notes": "Sends the run on from where the last round left the n8n loop.",
    }


def _read_after(
    cx: Converter,
    loop: Rounds,
    repeat_id: str,
    body_ids: set[str],
    leaving: list[_Way],
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
) -> list[dict[str, Any]] | None:
    """The nodes outside the body, reading the item that left the loop from the Repeat's
    `last`, and a node of the loop by name from beside it (`_hold`) where every round leaving
    for the reader ran that node; None (refused) when one reads a node of the loop otherwise."""
    by_ref: dict[str, list[str]] = defaultdict(list)
    for way in leaving:
        by_ref[way.ref].append(f"nodes.{repeat_id}.last.{way.step['id']}")
    inner = re.compile(r"\bnodes\.(" + "|".join(map(re.escape, body_ids)) + r")(?![A-Za-z0-9_])")
    swaps = [
        (re.compile(re.escape(ref) + r"(?![A-Za-z0-9_])"), _either(steps))
        for ref, steps in by_ref.items()
        if inner.search(ref) or re.search(r"\b(carried|iteration)\b", ref)
    ]
    names = {cx.nodes[name].id: name for name in cx.nodes}
    swapped = {
        node["id"]: _swapped(node["config"], swaps) for node in nodes if node["id"] not in body_ids
    }
    reaching = _ways_reaching(leaving, body_ids, edges)
    held: dict[str, set[str]] = defaultdict(set)  # way step id -> the loop's nodes it keeps
    again: dict[str, list[tuple[re.Pattern[str], str]]] = defaultdict(list)
    for node_id, config in swapped.items():
        ways = reaching.get(node_id, [])
        for read in sorted(set(inner.findall(repr(config)))):
            inside = names.get(read, read)
            if not _ran_when_left(loop, ways, names, inside):
                name = names.get(node_id, node_id)
                cx.refuse(
                    cx.nodes.get(name),
                    f"n8n node '{name}' reads '{inside}', which runs inside the loop "
                    f"{' → '.join(loop.order)}, after the loop was left, and not in every "
                    "round that leaves it for this node; WorkFuse's Repeat hands on only what "
                    "those rounds ran. Carry the field on the item that leaves in n8n ($json), "
                    "then export again.",
                )
                return None
            for way in ways:
                held[way.step["id"]].add(read)
            steps = [f"nodes.{repeat_id}.last.{w.step['id']}" for w in ways]
            pattern = re.compile(rf"\bnodes\.{re.escape(read)}(?![A-Za-z0-9_])")
            again[node_id].append((pattern, _either(steps, read)))
    for way in leaving:
        if held.get(way.step["id"]):
            _hold(way, sorted(held[way.step["id"]]))
    return [
        node
        if node["id"] in body_ids
        else {**node, "config": _swapped(swapped[node["id"]], again.get(node["id"], []))}
        for node in nodes
    ]


def _ways_reaching(
    leaving: list[_Way], body_ids: set[str], edges: list[dict[str, Any]]
) -> dict[str, list[_Way]]:
    """The ways out of the loop from which each node after it is reached, by node id."""
    after: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        if edge["source"] not in body_ids:
            after[edge["source"]].add(edge["target"])
    reaching: dict[str, list[_Way]] = defaultdict(list)
    for way in leaving:
        todo = [e["target"] for e in way.edges]
        seen: set[str] = set()
        while todo:
            node_id = todo.pop()
            if node_id in seen or node_id in body_ids:
                continue
            seen.add(node_id)
            reaching[node_id].append(way)
            todo.extend(after.get(node_id, ()))
    return reaching


def _ran_when_left(loop: Rounds, ways: list[_Way], names: dict[str, str], inside: str) -> bool:
    """Whether the loop's node `inside` ran in every round that leaves the loop by `ways`: the
    loop is one chain, so a round that leaves at a node ran every node before it in the chain
    (and n8n pairs the item that leaves back through that round's run of it)."""
    if inside not in loop.order or not ways:
        return False
    at = loop.order.index(inside)
    return all(
        names.get(w.node_id) in loop.order and at <= loop.order.index(names[w.node_id])
        for w in ways
    )


def _hold(way: _Way, held: list[str]) -> None:
    """Make the way out's step hand on, beside the item that leaves (`result`), the output of
    the loop's nodes `held` (by id) in that round (`kept.<id>`), which the nodes after the loop
    read."""
    item = way.step["config"]["input"]
    fields = [{"name": "result", "value": item, "type": "auto"}]
    fields += [{"name": f"kept.{i}", "value": f"{{{{ nodes.{i} }}}}", "type": "auto"} for i in held]
    way.step["type"] = "utility.set"
    way.step["config"] = {"keep": "none", "fields": fields}


def _either(steps: list[str], held: str = "") -> str:
    """The item that left (or the output of the loop's node `held` kept beside it), from the
    one of `steps` (Repeat `last` entries) that ran."""
    field = f"kept.{held}" if held else "result"
    found = f"{steps[-1]}.{field}"
    for step in reversed(steps[:-1]):
        found = f"({step}.{field} if {step} is not none else {found})"
    return found


def _swapped(value: Any, swaps: list[tuple[re.Pattern[str], str]]) -> Any:
    if isinstance(value, str):
        for pattern, replacement in swaps:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, list):
        return [_swapped(v, swaps) for v in value]
    if isinstance(value, dict):
        return {k: _swapped(v, swaps) for k, v in value.items()}
    return value
