"""n8n polling loops as WorkFuse's `logic.repeat` (docs/control-flow.md, "Repeat").

n8n polls with an edge back: wait → check → IF done? → (no) back to the wait. A WorkFuse graph
has no cycles; repeating is a Repeat node. A loop converts when it is such a poll: one IF or
Switch in it (the decider) with one output going round again and the others leaving, no other
node of the loop leading out of it, one node where the rest of the workflow enters it, and only
timed Waits between the decider and that entry. Then:

* the Repeat takes the entry's place; its `body` runs the loop's nodes from the entry to the
  decider (timed Waits among them stay delays in the body, so a wait before the check still
  comes first), and the Waits after the decider become `delay_seconds`, waited between rounds;
* `until` is the decider's condition for leaving (IF rules, or "the Switch picks an output that
  leaves"), over the round's steps;
* `done` leads to the decider itself, which routes to where the loop was left from, now
  reading the check's last output as `nodes.<repeat>.last` (so do the nodes after it);
* n8n polled without end; the Repeat stops after `max_iterations` rounds (about an hour of
  polling) and `exhausted` leads to a Stop that fails the run saying so;
* when the entry reads its input (`$json`: a retry counter, `tries = $json.tries || 0`), or
  passes it on (a Wait) to nodes that read it, n8n hands it what came in from outside in the
  first round and the body's last output after that: the Repeat carries (`carry`), and `$json`
  there reads `(<outside> if iteration == 0 else carried…)` (`carried_ref`); the decider and
  the nodes after the loop run after the rounds, where that item is gone, so their reading it
  by the Wait's name is refused.

A loop this does not fit, with several ways out or work between the decider and the entry,
may still convert as rounds of a Repeat with a Switch after it (`cycle_exits.py`). Other loops
are refused, naming their nodes. `unlink_polls` runs before the nodes are converted
(the entry must not read its input through the edge back), `Polls.rewrite` after.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from editor.n8n import cycle_exits
from editor.n8n.cycle_exits import Rounds
from editor.n8n.names import MAX_ID, unique

if TYPE_CHECKING:
    from editor.n8n.converter import Converter
    from editor.n8n.expressions import Reference

BASE = "n8n-nodes-base."
DECIDERS = {f"{BASE}if", f"{BASE}switch"}
NEGATED = {
    "eq": "ne",
    "ne": "eq",
    "gt": "lte",
    "lte": "gt",
    "gte": "lt",
    "lt": "gte",
    "contains": "not_contains",
    "not_contains": "contains",
}
POLL_SECONDS = 3600  # how long an imported poll keeps polling by default
MIN_ROUNDS, MAX_ROUNDS = 10, 1000

# A condition over rules: ("rule", rule) | ("not", e) | ("and", [e]) | ("or", [e]).
Expr = tuple[str, Any]


class Unturnable(Exception):
    """A rule with no negated WorkFuse operator."""


@dataclass
class Poll:
    """One n8n polling loop, by n8n node names."""

    entry: str
    body: list[str]  # from the entry to the node before the decider
    decider: str
    index: int  # the decider's output that goes round again
    tail: list[str]  # timed Waits from the decider back to the entry
    back: str  # the node whose link back to the entry closes the loop
    carry: bool = False  # the entry reads its input, which goes round from round to round
    unfit: str = ""  # why what goes round cannot be given to the entry, if it cannot
    resolving: bool = False  # working out what goes round (it may pass through the entry)
    carried: str = ""  # the template `$json` of the entry reads, with `carry`


@dataclass
class Polls:
    found: list[Poll | Rounds] = field(default_factory=list)

    def rewrite(
        self, cx: Converter, nodes: list[dict[str, Any]], edges: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        for poll in self.found:
            if poll.unfit:
                cx.refuse(cx.nodes[poll.entry], poll.unfit)
            elif isinstance(poll, Rounds):
                if all(name in cx.converted for name in poll.order):
                    by_id = {n["id"]: n for n in nodes}
                    body = [by_id[cx.nodes[name].id] for name in poll.order]
                    # A person answering a form page each round is no quick retry.
                    waits = any(n["type"] == "utility.wait" for n in body)
                    rounds = MAX_ROUNDS if waits else _rounds(0, body)
                    nodes, edges = cycle_exits.as_repeat(cx, poll, rounds, nodes, edges)
            elif all(name in cx.converted for name in (*poll.body, poll.decider, *poll.tail)):
                nodes, edges = _as_repeat(cx, poll, nodes, edges)
        return nodes, edges

    def entered_at(self, name: str) -> Poll | Rounds | None:
        """The poll whose rounds start at the n8n node `name`, if any."""
        return next((poll for poll in self.found if poll.entry == name), None)


def carried_file(cx: Converter, poll: Poll | Rounds, prop: str, outside: str) -> str:
    """The file in binary property `prop` the poll's entry reads from its input item, whose
    path is `outside` in the first round (`cycle_exits.carried_file`); a poll's is refused."""
    if isinstance(poll, Rounds):
        return cycle_exits.carried_file(cx, poll, prop, outside)
    return outside


def carried_ref(cx: Converter, poll: Poll | Rounds, outside: Reference | None) -> Reference | None:
    """What `$json` reads in the poll's entry, or in the nodes after an entry that passes its
    item on (a Wait). n8n hands the entry what came in from outside in the first round and,
    after that, the item that went round: the output of the body's last node (the IF or Switch
    and timed Waits pass it on). The Repeat then carries (`carry`: its body is given the round
    before's last output, as `carried`)."""
    if isinstance(poll, Rounds):
        return cycle_exits.carried_ref(cx, poll, outside)
    if poll.resolving:
        return outside  # the nodes between pass the entry's own item on
    last = poll.body[-1]
    poll.resolving = True
    try:
        ref = cx.output_ref(last, 0, set())
    finally:
        poll.resolving = False
    if ref is not None and ref == outside:
        return outside  # every node of the round passes on what came in: it never changes
    own = f"nodes.{cx.nodes[last].id}"
    entry = cx.nodes[poll.entry]
    reads = _reads(cx, poll.entry)
    if outside is None or ref is None or not (ref[0] + ".").startswith(own + "."):
        poll.unfit = cycle_exits.unknown_round_input(
            f"n8n node '{poll.entry}' ({entry.type}) {reads}", last
        )
        return outside
    if ref[1] != outside[1]:
        came_in = cx.parents[poll.entry][0][0]
        poll.unfit = cycle_exits.renamed_round_input(
            f"n8n node '{poll.entry}' ({entry.type}) {reads}", came_in, f"of '{last}'"
        )
        return outside
    poll.carry = True
    poll.carried = f"({outside[0]} if iteration == 0 else carried{ref[0][len(own) :]})"
    return poll.carried, outside[1]


def _reads(cx: Converter, entry: str) -> str:
    """How the poll's entry takes its input: read in its settings, or passed on (a Wait) to the
    nodes after it, which read it."""
    if cx.spec_of(entry).data is None:
        return "passes its input ($json) on to the nodes after it"
    return "reads its input ($json)"


def unlink_polls(cx: Converter) -> Polls:
    """The polling loops of the export, their edges back removed from `cx.links` and
    `cx.parents`; a loop of another shape is refused."""
    polls = Polls()
    for loop in _loops(cx):
        # --- struct2 ---
        if _never_runs(cx, loop):
            members = set(loop)
            cx.links = [link for link in cx.links if not {link[0], link[2]} <= members]
            for name in loop:
                cx.parents[name] = [p for p in cx.parents.get(name, []) if p[0] not in members]
            continue
        # --- end struct2 ---
        poll: Poll | Rounds | str = _poll(cx, loop)
        if isinstance(poll, str):
            # --- cycles ---
            rounds = cycle_exits.find(cx, loop)
            poll = poll if rounds is None else rounds
            # --- end cycles ---
        if isinstance(poll, str):
            names = " → ".join(f"'{name}'" for name in [*loop, loop[0]])
            cx.refuse(
                cx.nodes[loop[0]],
                f"The n8n nodes {names} go round in a loop, which imports only as a poll "
                f"(WorkFuse repeats work with a Repeat node, never an edge back): {poll}. "
                "Reshape it in n8n, or build it here with 'Repeat until'.",
            )
            continue
        cx.links = [link for link in cx.links if (link[0], link[2]) != (poll.back, poll.entry)]
        cx.parents[poll.entry] = [p for p in cx.parents[poll.entry] if p[0] != poll.back]
        polls.found.append(poll)
    return polls


# --- struct2 ---
def _never_runs(cx: Converter, loop: list[str]) -> bool:
    """Whether n8n never runs the loop: the workflow has a trigger, none in the loop, and
    nothing outside leads into it (a diagram drawn with No Operation nodes, say). Its links
    among themselves are dropped, as the nodes stay unreached, and unreached nodes never run in
    WorkFuse either."""
    members = set(loop)
    triggers = {
        name
        for name, node in cx.nodes.items()
        if node.type in cx.specs and cx.specs[node.type].data == "trigger"
    }
    if not triggers or triggers & members:
        return False  # without a trigger, the import starts the workflow at its roots
    return all(p in members for n in loop for p, _ in cx.parents.get(n, []))


# --- end struct2 ---
def upstream_first(cx: Converter) -> list[str]:
    """The node names, each after the nodes linking into it (Kahn's algorithm, ties in the
    export's order); nodes of a loop left in the graph follow in the export's order."""
    waiting = {name: 0 for name in cx.nodes}
    children: dict[str, list[str]] = defaultdict(list)
    for source, _, target in cx.links:
        if source in waiting and target in waiting:
            waiting[target] += 1
            children[source].append(target)
    ready = [name for name, count in waiting.items() if count == 0]
    order: list[str] = []
    while ready:
        name = ready.pop(0)
        order.append(name)
        for child in children[name]:
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    placed = set(order)
    return order + [name for name in cx.nodes if name not in placed]


def _loops(cx: Converter) -> list[list[str]]:
    """The strongly connected groups of nodes (two or more, or one linked to itself), each in
    the order the links walk it from its first node."""
    children: dict[str, list[str]] = defaultdict(list)
    for source, _, target in cx.links:
        children[source].append(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(start: str) -> None:
        # Tarjan's algorithm, iteratively: an export may chain hundreds of nodes.
        work = [(start, 0)]
        while work:
            name, i = work.pop()
            if i == 0:
                index[name] = low[name] = len(index)
                stack.append(name)
            if i < len(children[name]):
                work.append((name, i + 1))
                child = children[name][i]
                if child not in index:
                    work.append((child, 0))
                elif child in stack:
                    low[name] = min(low[name], index[child])
                continue
            if low[name] == index[name]:
                group = []
                while True:
                    top = stack.pop()
                    group.append(top)
                    if top == name:
                        break
                if len(group) > 1 or name in children[name]:
                    groups.append(group)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[name])

    for name in list(cx.nodes):
        if name not in index:
            visit(name)
    return [sorted(g, key=lambda n: cx.nodes[n].index) for g in groups]


def _poll(cx: Converter, loop: list[str]) -> Poll | str:
    """The loop as a poll, or why it is not one."""
    members = set(loop)
    inside: dict[str, list[tuple[int, str]]] = defaultdict(list)
    leaving: dict[str, list[int]] = defaultdict(list)
    for source, index, target in cx.links:
        if source in members and target in members:
            inside[source].append((index, target))
        elif source in members:
            leaving[source].append(index)
    forks = [n for n in loop if len({t for _, t in inside[n]}) != 1]
    if forks:
        return f"it branches inside the loop at '{forks[0]}'"
    deciders = [n for n in loop if cx.nodes[n].type in DECIDERS]
    if len(deciders) != 1:
        found = ", ".join(f"'{n}'" for n in deciders) or "none"
        return (
            "a poll has exactly one IF or Switch deciding whether to go round again, as a "
            f"Repeat leaves by one condition (this loop has {found})"
        )
    decider = deciders[0]
    others = [n for n in loop if n != decider and leaving[n]]
    if others:
        return f"only '{decider}' may lead out of the loop ('{others[0]}' does too)"
    continuing = {i for i, _ in inside[decider]}
    if len(continuing) != 1 or continuing & set(leaving[decider]):
        return f"'{decider}' must go round again by one output and leave by the others"
    entries = [n for n in loop if any(p not in members for p, _ in cx.parents.get(n, []))]
    if len(entries) != 1 or entries[0] == decider:
        return "the rest of the workflow must enter the loop at one node before the IF or Switch"
    entry, order = entries[0], [entries[0]]
    while len(order) < len(loop):
        order.append(inside[order[-1]][0][1])
    split = order.index(decider)
    body, tail = order[:split], order[split + 1 :]
    between = [n for n in tail if not _timed_wait(cx, n)]
    if between:
        return (
            f"only timed Waits may come between '{decider}' and '{entry}' ('{between[0]}' "
            "runs there, between one round and the next, where a Repeat runs nothing)"
        )
    back = order[-1]
    # A wait between the check and the decider also waits between rounds (and not after the
    # last check): the decider then reads the check, which the repeat's `last` holds.
    while len(body) > 1 and _timed_wait(cx, body[-1]):
        tail.insert(0, body.pop())
    return Poll(entry, body, decider, continuing.pop(), tail, back)


def _timed_wait(cx: Converter, name: str) -> bool:
    node = cx.nodes[name]
    resume = node.params.get("resume") or "timeInterval"
    return node.type == f"{BASE}wait" and resume == "timeInterval"


# --- the repeat --------------------------------------------------------------------------


def _as_repeat(
    cx: Converter, poll: Poll, nodes: list[dict[str, Any]], edges: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    ids = {name: cx.nodes[name].id for name in (*poll.body, poll.decider, *poll.tail)}
    # A poll's round is a chain from its entry to the node before the decider.
    round_ = Rounds(poll.entry, poll.body, 0, [])
    if cycle_exits.reads_what_came_in(cx, round_, nodes) or _read_after_round(cx, poll, nodes):
        return nodes, edges
    by_id = {n["id"]: n for n in nodes}
    decider = by_id[ids[poll.decider]]
    going_on = set(cx.converted[poll.decider].outputs[poll.index])
    try:
        until = _build(_negated(_continues(decider, going_on)))
    except Unturnable as exc:
        cx.refuse(
            cx.nodes[poll.decider],
            f"n8n node '{poll.decider}' goes round again when its condition holds, and its "
            f"comparison {exc} has no opposite in WorkFuse, so the import cannot say when to "
            "stop polling. Swap its outputs in n8n (so that it leaves when the condition "
            "holds) and export again.",
        )
        return nodes, edges
    tail = [by_id[ids[name]] for name in poll.tail]
    delays = [n["config"].get("seconds") for n in tail]
    if not all(isinstance(d, int | float) for d in delays) and len(delays) > 1:
        cx.refuse(
            cx.nodes[poll.tail[0]],
            "Several Waits whose times are expressions follow each other in a poll; merge "
            "them into one in n8n and export again.",
        )
        return nodes, edges
    delay: Any = sum(delays) if all(isinstance(d, int | float) for d in delays) else delays[0]
    body = [by_id[ids[name]] for name in poll.body]
    rounds = _rounds(delay, body)
    taken = set(by_id)
    repeat_id = unique(f"repeat_{decider['id']}"[:MAX_ID].rstrip("_"), taken, MAX_ID)
    taken.add(repeat_id)
    stop_id = unique(f"gave_up_{decider['id']}"[:MAX_ID].rstrip("_"), taken, MAX_ID)
    entry_id, last_id = ids[poll.entry], ids[poll.body[-1]]
    x, y = decider["position"]["x"], decider["position"]["y"]
    repeat: dict[str, Any] = {
        "id": repeat_id,
        "type": "logic.repeat",
        "label": f"Repeat until {poll.decider}"[:200],
        "position": {"x": x, "y": y - 180},
        "config": {"max_iterations": rounds, "delay_seconds": delay or 0, "until": until},
        "notes": (
            f"Imported from the n8n loop {' → '.join([*poll.body, poll.decider])}: it runs "
            f"again until '{poll.decider}' would leave it. n8n polled without end; this stops "
            f"after {rounds} rounds and fails at '{stop_id}' (raise max_iterations if it needs "
            "longer)."
        ),
    }
    if poll.carry:
        repeat["config"]["carry"] = True
        bound = (
            f"n8n went round the loop through '{poll.decider}' without a bound; WorkFuse's "
            f"Repeat stops after {rounds} rounds (max_iterations) and then fails at "
            f"'{stop_id}'."
        )
        repeat["notes"] += (
            f" Each round starts from what '{poll.body[-1]}' gave in the round before "
            "(carry), as in n8n."
        )
        cx.caveats.setdefault(poll.decider, []).append(bound)
    stop = {
        "id": stop_id,
        "type": "logic.stop",
        "label": "Gave up polling",
        "position": {"x": x + 240, "y": y - 180},
        "config": {
            "message": f"'{poll.decider}' still said to go round again after {rounds} rounds.",
            "code": "POLL_EXHAUSTED",
        },
    }
    inner = {ids[name] for name in poll.body}
    dropped = {ids[name] for name in poll.tail}
    rewired = []
    for edge in edges:
        source, target = edge["source"], edge["target"]
        if source in dropped or target in dropped:
            continue
        if source == decider["id"] and edge.get("source_handle", "main") in going_on:
            continue
        if source == last_id and target == decider["id"]:
            continue
        if target == entry_id and source not in inner:
            edge = {**edge, "target": repeat_id}
        rewired.append(edge)
    rewired += [
        {"source": repeat_id, "source_handle": "body", "target": entry_id},
        {"source": repeat_id, "source_handle": "done", "target": decider["id"]},
        {"source": repeat_id, "source_handle": "exhausted", "target": stop_id},
    ]
    last = re.compile(r"\bnodes\.(" + re.escape(last_id) + r")(?![A-Za-z0-9_])")
    kept = [
        n if n["id"] in inner else {**n, "config": _renamed(n["config"], last, repeat_id)}
        for n in nodes
        if n["id"] not in dropped
    ]
    return [*kept, repeat, stop], rewired


def _read_after_round(cx: Converter, poll: Poll, nodes: list[dict[str, Any]]) -> bool:
    """Whether a node outside the Repeat's body (the decider, or a node after the loop) reads
    the item a Wait entry hands on (`$('Wait')`), which is what went round only inside a round;
    refused when so."""
    if not poll.carried:
        return False
    owners: dict[str, str] = {}  # a WorkFuse node's id -> the n8n node it was made for
    for name, node in cx.nodes.items():
        owners[node.id] = name
        owners.update((step["id"], name) for step in cx.steps_before.get(node.id, ()))
    found = next(
        (
            owners[node["id"]]
            for node in nodes
            if owners.get(node["id"], poll.entry) not in poll.body
            and _mentions(node["config"], poll.carried)
        ),
        None,
    )
    if found is None:
        return False
    last = poll.body[-1]
    cx.refuse(
        cx.nodes[found],
        f"n8n node '{found}' ({cx.nodes[found].type}) reads the item n8n node '{poll.entry}' "
        f"hands on, which in each round after the first is what '{last}' passed on in the "
        f"round before; a Repeat has it only in the nodes of its round ('{poll.entry}' to "
        f"'{last}'), and '{found}' runs after them. Read the fields from the node that makes "
        "them ($('Name')) in n8n and export again.",
    )
    return True


def _mentions(value: Any, text: str) -> bool:
    """Whether a string in the settings `value` holds `text` (read as written, not escaped)."""
    if isinstance(value, str):
        return text in value
    if isinstance(value, list):
        return any(_mentions(v, text) for v in value)
    if isinstance(value, dict):
        return any(_mentions(v, text) for v in value.values())
    return False


def _renamed(value: Any, last: re.Pattern[str], repeat_id: str) -> Any:
    """Templates reading the poll's last check, reading it from the repeat's `last` instead."""
    if isinstance(value, str):
        return last.sub(f"nodes.{repeat_id}.last", value)
    if isinstance(value, list):
        return [_renamed(v, last, repeat_id) for v in value]
    if isinstance(value, dict):
        return {k: _renamed(v, last, repeat_id) for k, v in value.items()}
    return value


def _rounds(delay: Any, body: list[dict[str, Any]]) -> int:
    """Rounds enough for about an hour of polling (at least 10, at most 1,000); 10 for a loop
    that never waits."""
    seconds = [n["config"].get("seconds") for n in body if n["type"] == "utility.delay"]
    per_round = [delay, *seconds]
    if not all(isinstance(s, int | float) or s is None for s in per_round):
        return 100
    total = sum(s for s in per_round if isinstance(s, int | float))
    if total <= 0:
        return MIN_ROUNDS  # no wait: a retry until something is right (an AI's answer, say)
    return max(MIN_ROUNDS, min(MAX_ROUNDS, math.ceil(POLL_SECONDS / total)))


def _continues(decider: dict[str, Any], going_on: set[str]) -> Expr:
    """When the decider (a logic.condition or logic.switch) goes round again."""
    config = decider["config"]
    if decider["type"] == "logic.condition":
        rules: Expr = (
            "rule",
            {"combinator": config.get("combinator", "and"), "rules": config["rules"]},
        )
        return rules if "true" in going_on else ("not", rules)
    cases = [
        ("rule", {"combinator": c.get("combinator", "and"), "rules": c["rules"]})
        for c in config["cases"]
    ]
    ways = []
    for i, case in enumerate(config["cases"]):
        if case["handle"] in going_on:
            ways.append(("and", [cases[i], *(("not", c) for c in cases[:i])]))
    if config.get("default_handle") in going_on:
        ways.append(("and", [("not", c) for c in cases]))
    return ("or", ways)


def _negated(expr: Expr) -> Expr:
    """NOT expr, pushed down to the rules (De Morgan), each rule's operator turned around."""
    kind, value = expr
    if kind == "not":
        return value
    if kind in ("and", "or"):
        return ("or" if kind == "and" else "and", [_negated(e) for e in value])
    if "rules" in value:
        flipped = "or" if value.get("combinator", "and") == "and" else "and"
        return (flipped, [_negated(("rule", r)) for r in value["rules"]])
    operator = value.get("operator")
    if operator == "exists":  # WorkFuse has no "does not exist": the value is null
        return ("rule", {"left": value.get("left"), "operator": "eq", "right": None})
    if operator == "is_empty":
        from editor.n8n.comparisons import not_empty  # it imports the converter, which imports us

        return ("rule", not_empty(value.get("left")))
    if operator not in NEGATED:
        raise Unturnable(f"'{operator}' ({value.get('left')})")
    return ("rule", {**value, "operator": NEGATED[operator]})


def _build(expr: Expr) -> dict[str, Any]:
    """The expression as a WorkFuse rule set `{combinator, rules}`."""
    kind, value = expr
    if kind == "not":
        return _build(_negated(value))
    if kind == "rule":
        return value if "rules" in value else {"combinator": "and", "rules": [value]}
    rules = []
    for part in value:
        built = _build(part)
        rules.append(built if len(built["rules"]) != 1 else built["rules"][0])
    return {"combinator": kind, "rules": rules}
