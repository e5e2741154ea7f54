"""n8n's item flow on WorkFuse's one-output-per-step model: where loops open and close.

n8n hands a list of items from node to node and runs most nodes once per item; WorkFuse runs a
node once and loops explicitly (DESIGN §4 `logic.loop`). Before any node converts, `ItemFlow`
places every n8n node in a *scope*: the containers (WorkFuse loop ids) around it. After a node
that may emit several items (its `Spec.items`, or a Code node in all-items mode), the per-item
nodes that follow run in a `logic.loop` over that list, where `$json` is `item`. The loop ends
at a node that takes all items at once (Aggregate, Merge, Filter, Sort, ...; `takes_all`), which
is reached from the loop's `done` and reads the loop's results, or at the end of the workflow.

Loops inserted here never nest: a node that emits several items for each item it gets (Split
Out inside a loop) closes the loop, and the per-item nodes after it run in a new loop over the
flattened list, as n8n hands the next node one flat list. n8n's own loop (Split in Batches) is a
container too; inserted loops may sit inside its body.

Where an item leaves a loop through a node whose output is not the item (IF, Switch, No-op's
input, a node with other successors in the body), an *exit node* (a template transform giving
the item) is added in the body so the loop's results hold the item.

n8n runs no node that receives no items. Where the items leave a loop on a branch (after an IF,
a Switch or an error output in the body), every item may have gone the other way: a *gate* (a
`logic.condition` on that branch's results being non-empty) sits between the loop's `done` and
the nodes after, so they are skipped as in n8n rather than run with an empty list.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from editor.n8n import per_item_files  # perfiles
from editor.n8n.code_returns import returns_one
from editor.n8n.names import MAX_ID, slug, unique

if TYPE_CHECKING:
    from editor.n8n.converter import Converter, N8nNode, Spec

BASE = "n8n-nodes-base."
Port = tuple[str, int]  # (n8n node name, output index)
Link = tuple[str, int, str]  # (source name, output index, target name)
Scope = tuple[str, ...]  # WorkFuse ids of the containers around a node, outermost first

# n8n nodes that take the list of all their input items in one run (Split Out and Item Lists
# work item by item in n8n, but their WorkFuse forms go over the whole list, which gives the same
# flat list). Their WorkFuse forms read the list (`items`), so the per-item loop before them
# closes.
ALL_ITEMS = frozenset(
    BASE + name
    for name in (
        "aggregate",
        "compareDatasets",
        "filter",
        "itemLists",
        "limit",
        "merge",
        "removeDuplicates",
        "respondToWebhook",
        "sort",
        "splitOut",
        "summarize",
    )
)
# Of those, the ones whose settings are evaluated per item (`$json` is each item in turn): in
# their WorkFuse form (a data node, DESIGN §4) a template sees that element as `item`.
PER_ELEMENT = frozenset(
    BASE + name
    for name in (
        "aggregate",
        "filter",
        "itemLists",
        "limit",
        "removeDuplicates",
        "sort",
        "splitOut",
        "summarize",
    )
)
# --- vectors ---
# Vector stores that load all their items in insert mode, their loader's settings evaluated per
# item (`item` in action.vector_store's per-item text and metadata).
VECTOR_INSERTS = frozenset(
    f"@n8n/n8n-nodes-langchain.{name}"
    for name in (
        "vectorStoreQdrant",
        "vectorStorePinecone",
        "vectorStoreInMemory",
        "vectorStoreSupabase",  # rag
    )
)
PER_ELEMENT = PER_ELEMENT | VECTOR_INSERTS
# --- end vectors ---
CODE_TYPES = frozenset({f"{BASE}code", f"{BASE}function"})
# --- loopbody ---
# Nodes whose n8n "Execute Once" is not read as taking all items: code (its own modes), the
# nodes that pass their items on (their output would be every item, not the first), n8n's loop.
ONCE_AS_IS = CODE_TYPES | frozenset(
    BASE + name for name in ("if", "switch", "noOp", "wait", "splitInBatches")
)
# --- end loopbody ---
# Nodes that emit one item or several depending on the data at run time: n8n splits an HTTP
# response that is a JSON array into one item per element. Read as a list (by a node taking all
# items, or n8n's loop) such an output counts either way, as in n8n; the per-item nodes after
# one run once (the common case: an object), which a caveat says.
EITHER = frozenset({f"{BASE}httpRequest"})
# --- files ---
# Convert to File's operations that write every item as a row of one table.
TABLE_FILES = frozenset({"csv", "html", "ods", "rtf", "xls", "xlsx"})
# --- end files ---


def takes_all(node: N8nNode) -> bool:
    """Whether n8n runs `node` once with every input item (rather than once per item)."""
    if node.type in ALL_ITEMS:
        return True
    # --- loopbody ---
    if node.raw.get("executeOnce") is True and node.type not in ONCE_AS_IS:
        # n8n runs it with its first item only, but its expressions' `$input.all()` still
        # reads every item (WorkflowExecute.runNode slices the input after it has made the
        # expressions' connectionInputData): a node that takes all items, `$json` the first.
        return True
    # --- end loopbody ---
    # --- vectors ---
    if node.type in VECTOR_INSERTS:  # insert mode loads every item into the store at once
        # perfiles: unless it runs per item where its files are made (per_item_files.py)
        return node.params.get("mode") == "insert" and not node.per_item
    # --- end vectors ---
    if node.type == f"{BASE}code":
        return node.params.get("mode", "runOnceForAllItems") != "runOnceForEachItem"
    # --- files ---
    if node.type == f"{BASE}convertToFile":
        # One file of every item for a table and for JSON in mode "once"; a file per item else.
        operation = node.params.get("operation") or "csv"
        mode = node.params.get("mode") or "once"
        return operation in TABLE_FILES or (operation == "toJson" and mode == "once")
    # --- end files ---
    # --- httpfiles ---
    if node.type == f"{BASE}spreadsheetFile":  # Write to File: one file of every item
        return node.params.get("operation") == "toFile"
    # --- end httpfiles ---
    return node.type == f"{BASE}function"


@dataclass(frozen=True)
class Path:
    """A list at a template path; `one`: the path holds a single item (wrapped as a list);
    `either`: it holds a list or a single item, which n8n reads as a list of one."""

    path: str
    one: bool = False
    either: bool = False


@dataclass(frozen=True)
class Results:
    """The items a container's results hold: each result's `field` (of the sink `sink` when the
    body ends in several), skipped ones left out, lists flattened when `flat`."""

    container: str
    sink: str | None
    field: str
    flat: bool


@dataclass(frozen=True)
class ItemsRef:
    """A list of n8n items' json in a run, as the concatenation of its parts."""

    parts: tuple[Path | Results, ...]

    def jinja(self, guard: bool = False) -> str:
        """A Jinja expression for the list. `guard`: a part on a node that may have been
        skipped (one branch of several into a Merge) counts as no items."""
        pieces = [_jinja(part, guard) for part in self.parts]
        if not pieces:
            return "[]"
        return pieces[0] if len(pieces) == 1 else "(" + " + ".join(pieces) + ")"

    def js(self) -> str:
        """The same list as a JavaScript expression over action.code's `nodes`/`trigger`/`item`."""
        pieces = [_js(part) for part in self.parts]
        if not pieces:
            return "[]"
        return pieces[0] if len(pieces) == 1 else "[].concat(" + ", ".join(pieces) + ")"


def _jinja(part: Path | Results, guard: bool) -> str:
    if isinstance(part, Path):
        p = part.path
        if part.one:
            text = f"[{p}]"
        elif part.either:
            text = (
                f"({p} if {p} is sequence and {p} is not string and {p} is not mapping else [{p}])"
            )
        else:
            text = p
        if guard and p.startswith("nodes."):
            root = ".".join(p.split(".")[:2])
            text = f"({text} if {root} is defined else [])"
        return text
    text = f"nodes.{part.container}.results"
    if part.sink:
        text += f" | map(attribute={json.dumps(part.sink)})"
    text += ' | reject("none")'
    if part.field:
        text += f" | map(attribute={json.dumps(part.field)})"
    text += " | sum(start=[])" if part.flat else " | list"
    return f"({text})"


def _js_path(path: str) -> str:
    head, *rest = path.split(".")
    return head + "".join(f"?.[{json.dumps(p)}]" for p in rest)


def _js(part: Path | Results) -> str:
    if isinstance(part, Path):
        p = _js_path(part.path)
        if part.one:
            return f"({p} === undefined ? [] : [{p}])"
        if part.either:
            return f"(Array.isArray({p}) ? {p} : {p} == null ? [] : [{p}])"
        return f"({p} ?? [])"
    text = f"(nodes[{json.dumps(part.container)}]?.results ?? [])"
    if part.sink:
        text += f".map((r) => r?.[{json.dumps(part.sink)}])"
    text += ".filter((r) => r != null)"
    if part.field:
        text += "".join(f".map((r) => r?.[{json.dumps(f)}])" for f in part.field.split("."))
    return text + (".flat(1)" if part.flat else "")


@dataclass
class Out:
    """One output of an n8n node as the plan sees it: in which scope, and whether it carries
    several items there (a list) or one (per run of that scope)."""

    scope: Scope
    many: bool


@dataclass
class Loop:
    """A `logic.loop` the import adds: over the items of `sources` (concatenated)."""

    id: str
    label: str
    sources: list[Port]
    scope: Scope  # around the loop node itself
    position: dict[str, float]
    targets: list[str] = field(default_factory=list)  # n8n nodes its `each` leads to


@dataclass
class Exit:
    """Where a container's items leave it: the body's port, and the exit node (a transform
    giving the item) when the port's node does not itself end the body with the item."""

    container: str
    port: Port
    node_id: str | None = None


@dataclass
class Gate:
    """A `logic.condition` after a loop's `done`: whether any item left the loop by `port`."""

    id: str
    container: str
    port: Port


class ItemFlow:
    """The scopes, inserted loops and exits of one n8n export (see the module docstring)."""

    def __init__(self, cx: Converter, back_links: list[Link]):
        self.cx = cx
        self.back_links = back_links
        self.scope: dict[str, Scope] = {}
        self.out: dict[Port, Out] = {}
        self.loops: dict[str, Loop] = {}
        self.entry: dict[Link, str] = {}  # a link that runs through an inserted loop
        self.exits: dict[tuple[str, Port], Exit] = {}
        self.gates: dict[tuple[str, Port], Gate] = {}
        self.children: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.taken: set[str] = set()
        self._sinks: dict[str, list[str]] | None = None

    # --- the plan ---------------------------------------------------------------------------

    def plan(self) -> None:
        """(Re)make the plan from the export and what the nodes converted so far say of their
        outputs (`Converter.spec_of`): nodes convert parents first, so a node whose settings
        change what it emits (a Summarize with group fields) re-plans before its children."""
        cx = self.cx
        self.scope, self.out, self.loops, self.entry, self.exits = {}, {}, {}, {}, {}
        self.gates = {}
        self.children = defaultdict(list)
        self._sinks = None
        self.taken = {n.id for n in cx.nodes.values()}
        for source, index, target in cx.links:
            self.children[source].append((index, target))
        for name in self._order():
            self._place(cx.nodes[name])
        for container, port in self._exit_ports():
            self._exit(container, port)
            if container in self.loops and self._on_a_branch(port):
                self._gate(container, port)

    def _order(self) -> list[str]:
        """n8n nodes parents first (export order among equals; nodes on a cycle last)."""
        names = list(self.cx.nodes)
        indegree = {n: 0 for n in names}
        for _, _, target in self.cx.links:
            indegree[target] += 1
        ready = [n for n in names if indegree[n] == 0]
        order: list[str] = []
        while ready:
            name = ready.pop(0)
            order.append(name)
            for _, target in self.children[name]:
                indegree[target] -= 1
                if indegree[target] == 0:
                    ready.append(target)
        return order + [n for n in names if n not in order]

    def is_container(self, node: N8nNode) -> bool:
        return self.cx.spec_of(node.name).loop_handle is not None

    def emits_many(self, node: N8nNode) -> bool:
        return self.cx.spec_of(node.name).items is not None or (
            node.type in CODE_TYPES and takes_all(node) and not returns_one(node)
        )

    def _place(self, node: N8nNode) -> None:
        cx = self.cx
        spec = cx.spec_of(node.name)
        parents = [p for p in cx.parents.get(node.name, []) if p in self.out]
        outputs = range(max(1, _output_count(cx, node)))
        if spec.data == "trigger" or not parents:
            self.scope[node.name] = ()
            for i in outputs:
                self.out[(node.name, i)] = Out((), self.emits_many(node))
            return
        ins = [self.out[p] for p in parents]
        # --- perfiles ---
        node.per_item = per_item_files.joins_loop(self, node, ins)
        # --- end perfiles ---
        if takes_all(node) or self.is_container(node):
            scope = self.outer(ins[0].scope)
        elif all(not o.many and o.scope == ins[0].scope for o in ins):
            scope = ins[0].scope
        else:
            scope = self._open_loop(node, parents, ins)
        self.scope[node.name] = scope
        for i in outputs:
            if self.is_container(node):
                each = spec.loop_handle is not None and spec.loop_handle(node, i) == "each"
                self.out[(node.name, i)] = (
                    Out((*scope, node.id), False) if each else Out(scope, True)
                )
            elif spec.data is None and not takes_all(node):
                self.out[(node.name, i)] = Out(scope, False)
            else:
                self.out[(node.name, i)] = Out(scope, self.emits_many(node))

    def outer(self, scope: Scope) -> Scope:
        """`scope` without the inserted loops at its end (what a node that takes all items
        sees)."""
        while scope and scope[-1] in self.loops:
            scope = scope[:-1]
        return scope

    def _open_loop(self, node: N8nNode, parents: list[Port], ins: list[Out]) -> Scope:
        outer = self.outer(ins[0].scope)
        key = tuple(sorted(parents))
        for loop in self.loops.values():
            if tuple(sorted(loop.sources)) == key and loop.scope == outer:
                break
        else:
            first = self.cx.nodes[parents[0][0]]
            loop_id = unique(slug(f"each_{first.id}"), self.taken, MAX_ID)
            self.taken.add(loop_id)
            here = _position(node.raw)
            loop = Loop(
                loop_id,
                f"Each item of {first.name}",
                list(parents),
                outer,
                {"x": here[0] - 160, "y": here[1] + 120},
            )
            self.loops[loop_id] = loop
        loop.targets.append(node.name)
        for source, index in parents:
            self.entry[(source, index, node.name)] = loop.id
        return (*outer, loop.id)

    # --- exits ------------------------------------------------------------------------------

    def _exit_ports(self) -> list[tuple[str, Port]]:
        """(container, port) for every port whose items leave a container: into a node
        outside it, or back into n8n's loop node (which collects them as its done output)."""
        found: list[tuple[str, Port]] = []
        for source, index, target in self.cx.links:
            port = (source, index)
            if port not in self.out or target not in self.scope:
                continue
            inner, outside = self.out[port].scope, self.scope[target]
            if (source, index, target) in self.entry:
                outside = self.loops[self.entry[(source, index, target)]].scope
            if len(inner) > len(outside) and inner[-1] in self.loops:
                found.append((inner[-1], port))
        for source, index, target in self.back_links:
            if (source, index) in self.out and target in self.cx.nodes:
                found.append((self.cx.nodes[target].id, (source, index)))
        return found

    def _exit(self, container: str, port: Port) -> None:
        if (container, port) in self.exits:
            return
        node = self.cx.nodes[port[0]]
        exit_ = Exit(container, port)
        if not self._ends_body_with_item(node, port, container):
            exit_.node_id = unique(slug(f"{node.id}_items"), self.taken, MAX_ID)
            self.taken.add(exit_.node_id)
        self.exits[(container, port)] = exit_

    def _on_a_branch(self, port: Port) -> bool:
        """Whether the items reaching `port` went through a node with several outputs in the
        same body (so some runs of the body may send none of them this way)."""
        inner = self.out[port].scope
        seen: set[str] = set()
        todo = [port[0]]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            if _output_count(self.cx, self.cx.nodes[name]) > 1:
                return True
            todo += [
                parent
                for parent, index in self.cx.parents.get(name, [])
                if (parent, index) in self.out
                and self.out[(parent, index)].scope == inner
                and (parent, index, name) not in self.entry
            ]
        return False

    def _gate(self, container: str, port: Port) -> None:
        if (container, port) not in self.gates:
            node_id = unique(slug(f"{self.cx.nodes[port[0]].id}_any"), self.taken, MAX_ID)
            self.taken.add(node_id)
            self.gates[(container, port)] = Gate(node_id, container, port)

    def _ends_body_with_item(self, node: N8nNode, port: Port, container: str) -> bool:
        """Whether the body's result for `node` is its output, holding the item (or items)."""
        spec = self.cx.spec_of(node.name)
        if spec.data is None or spec.data == "trigger" or self.is_container(node):
            return False
        if _output_count(self.cx, node) > 1 or node.raw.get("onError") == "continueErrorOutput":
            return False
        inner = self.out[port].scope
        return not any(
            self.scope.get(target) == inner and (node.name, index, target) not in self.entry
            for index, target in self.children[node.name]
        )

    # --- the lists and items nodes read -----------------------------------------------------

    def items_of(self, port: Port, scope: Scope) -> ItemsRef:
        """The items `port` carries, as a list read from `scope` (outside its loop when the
        port is in a loop that `scope` is not in)."""
        out = self.out.get(port)
        if out is None:
            return ItemsRef(())
        node = self.cx.nodes[port[0]]
        if out.scope == scope or not out.scope or out.scope[-1] not in self.loops:
            if self.is_container(node) and out.many:
                return ItemsRef(self._container_results(node))
            if out.many:
                return ItemsRef((self._own_list(node, port[1]),))
            ref = self.cx.output_ref(port[0], port[1], set())
            if ref is None:
                return ItemsRef(())
            either = node.type in EITHER and ref[0].startswith(f"nodes.{node.id}")
            return ItemsRef((Path(ref[0], one=not either, either=either),))
        return ItemsRef((self._results(out.scope[-1], port),))

    def _own_list(self, node: N8nNode, index: int = 0) -> Path:
        spec = self.cx.spec_of(node.name)
        path = items_path(spec, index)
        path = path if path is not None else spec.data or ""
        full = f"nodes.{node.id}" + (f".{path}" if path else "")
        return Path(full, either=node.type in CODE_TYPES)

    def _container_results(self, node: N8nNode) -> tuple[Results, ...]:
        """n8n's loop node's done output: every item that came back into it."""
        backs = [(s, i) for s, i, t in self.back_links if t == node.name]
        if not backs:
            return (Results(node.id, None, "", False),)
        return tuple(self._results(node.id, port) for port in backs)

    def _results(self, container: str, port: Port) -> Results:
        exit_ = self.exits.get((container, port))
        node = self.cx.nodes[port[0]]
        if port not in self.out:  # planned without it (on a cycle): its results as they are
            return Results(container, None, "", False)
        if exit_ is not None and exit_.node_id is not None:
            sink, field_path, flat = exit_.node_id, "result", self.out[port].many
        else:
            spec = self.cx.spec_of(node.name)
            many = self.out[port].many
            sink = node.id
            items = items_path(spec, port[1])  # misc: per output
            field_path = (items if many and items is not None else spec.data) or ""
            flat = many
        several = len(self.sinks().get(container, [])) > 1
        return Results(container, sink if several else None, field_path, flat)

    def unknown_until_done(self, ref: ItemsRef, node: N8nNode) -> str | None:
        """When `ref` (the items `node` receives) holds the results of an inserted loop that
        `node` itself runs in, the n8n name of what that loop goes over (those results exist
        only once the loop is done); else None."""
        around = self.scope.get(node.name, ())
        for part in ref.parts:
            if isinstance(part, Results) and part.container in around:
                loop = self.loops.get(part.container)
                if loop is not None:
                    return loop.sources[0][0]
        return None

    def item_in(self, port: Port, scope: Scope) -> str | None:
        """The template path of the item `port` carries, read inside `scope`'s body."""
        ref = self.cx.output_ref(port[0], port[1], set())
        return ref[0] if ref else None

    # --- what the WorkFuse graph will hold --------------------------------------------------

    def member_edges(self) -> list[tuple[str, str]]:
        """(source id, target id) of the WorkFuse graph the plan makes, handles left out."""
        cx = self.cx
        edges: list[tuple[str, str]] = []
        for source, index, target in cx.links:
            if (source, index) not in self.out or target not in self.scope:
                continue
            for a, b in self.route((source, index, target)):
                edges.append((a, b))
        for exit_ in self.exits.values():
            if exit_.node_id:
                edges.append((cx.nodes[exit_.port[0]].id, exit_.node_id))
        return edges

    def route(self, link: Link) -> list[tuple[str, str]]:
        """The WorkFuse edges (ids) a link becomes: through the inserted loop it enters, and
        from the `done` of the inserted loop it leaves."""
        source, index, target = link
        cx = self.cx
        start = cx.nodes[source].id
        inner = self.out[(source, index)].scope
        loop_id = self.entry.get(link)
        outside = self.loops[loop_id].scope if loop_id else self.scope[target]
        hops: list[tuple[str, str]] = []
        if len(inner) > len(outside) and inner[-1] in self.loops:
            start = inner[-1]  # leaves its loop by `done`
            gate = self.gates.get((start, (source, index)))
            if gate is not None:  # ... and goes on only if any item left by this port
                hops.append((start, gate.id))
                start = gate.id
        if loop_id:
            return [*hops, (start, loop_id), (loop_id, cx.nodes[target].id)]
        return [*hops, (start, cx.nodes[target].id)]

    def sinks(self) -> dict[str, list[str]]:
        """For each container, the ids of the last nodes directly in its body, as the engine
        finds them (those whose outputs its results hold)."""
        if self._sinks is not None:
            return self._sinks
        cx = self.cx
        direct: dict[str, set[str]] = defaultdict(set)
        for name, scope in self.scope.items():
            if scope:
                direct[scope[-1]].add(cx.nodes[name].id)
        for loop in self.loops.values():
            if loop.scope:
                direct[loop.scope[-1]].add(loop.id)
        for gate in self.gates.values():
            around = self.loops[gate.container].scope
            if around:
                direct[around[-1]].add(gate.id)
        for (container, _), exit_ in self.exits.items():
            if exit_.node_id:
                direct[container].add(exit_.node_id)
        edges = self.member_edges()
        sinks: dict[str, list[str]] = {}
        for container, members in direct.items():
            sinks[container] = sorted(
                m for m in members if not any(a == m and b in members for a, b in edges)
            )
        self._sinks = sinks
        return sinks

    # --- notes and the n8n view -------------------------------------------------------------

    def caveats(self, node: N8nNode) -> list[str]:
        """What the item flow cannot know about `node` (one sentence each)."""
        notes: list[str] = []
        per_item = [
            t
            for _, t in self.children[node.name]
            if not takes_all(self.cx.nodes[t]) and not self.is_container(self.cx.nodes[t])
        ]
        if node.type in EITHER and per_item:
            notes.append(
                "If the response is a JSON array, n8n runs the nodes after it once per element; "
                "here they run once with the whole response (add a loop if it is a list)."
            )
        into = defaultdict(list)
        for source, _, target, index in self.cx.inputs:
            if target == node.name:
                into[index].append(source)
        fed = next((names for names in into.values() if len(set(names)) > 1), None)
        if fed is not None and not self.is_container(node):
            names = ", ".join(f"'{n}'" for n in dict.fromkeys(fed))
            notes.append(
                f"Several nodes link into one input here ({names}): when items reach it from "
                "more than one of them in a run, n8n ran it once for each (and the nodes after "
                "it as often); here it runs once with all of their items."
            )
        # --- loopbody ---
        if node.raw.get("executeOnce") is True and (
            node.type in ONCE_AS_IS or node.type in ALL_ITEMS
        ):
            notes.append(
                "n8n's 'Execute Once' gave it only its first input item; here it gets every item."
            )
        # --- end loopbody ---
        return notes

    def view_items(self, node: N8nNode, index: int) -> str:
        """A Jinja expression for the items of `node`'s output `index` in one run of it."""
        spec = self.cx.spec_of(node.name)
        if self.is_container(node):
            if spec.loop_handle is not None and spec.loop_handle(node, index) == "each":
                return "loop_items"
            return ItemsRef(self._container_results(node)).jinja()
        if spec.data is None and not takes_all(node):
            ref = self.cx.output_ref(node.name, index, set())
            return f"[{ref[0]}]" if ref else "[]"
        if self.emits_many(node):
            return _jinja(self._own_list(node, index), False)
        if spec.data == "trigger":
            return f"[nodes.{node.id}" + (f".{spec.trigger_item}]" if spec.trigger_item else "]")
        return f"[nodes.{node.id}" + (f".{spec.data}]" if spec.data else "]")

    def loop_node(self, loop: Loop) -> dict[str, Any]:
        items = ItemsRef(
            tuple(p for port in loop.sources for p in self.items_of(port, loop.scope).parts)
        )
        return {
            "id": loop.id,
            "type": "logic.loop",
            "label": loop.label,
            "notes": "Added on import: n8n ran the nodes after "
            + ", ".join(f"'{s}'" for s, _ in loop.sources)
            + " once per item; this loop does.",
            "position": loop.position,
            "config": {"items": "{{ " + items.jinja() + " }}", "concurrency": 1},
        }

    def gate_node(self, gate: Gate) -> dict[str, Any]:
        node = self.cx.nodes[gate.port[0]]
        results = ItemsRef((self._results(gate.container, gate.port),)).jinja()
        x, y = _position(node.raw)
        converted = self.cx.converted.get(node.name)
        index = gate.port[1]
        branch = (
            "/".join(converted.outputs[index])
            if converted is not None and index < len(converted.outputs)
            else f"output {index}"
        )
        return {
            "id": gate.id,
            "type": "logic.condition",
            "label": f"Any item from {node.name} ({branch})",
            "notes": "Added on import: n8n runs no node that gets no items; the nodes after "
            "this one run only if some item left the loop by this branch.",
            "position": {"x": x + 240, "y": y + 120 + 80 * index},
            "config": {
                "combinator": "and",
                "rules": [{"left": "{{ " + results + " | length }}", "operator": "gt", "right": 0}],
            },
        }

    def exit_node(self, exit_: Exit) -> dict[str, Any]:
        node = self.cx.nodes[exit_.port[0]]
        out = self.out[exit_.port]
        if out.many:
            expression = "{{ " + self._own_list(node, exit_.port[1]).path + " }}"
        else:
            path = self.item_in(exit_.port, out.scope) or "item"
            expression = "{{ " + path + " }}"
        x, y = _position(node.raw)
        return {
            "id": exit_.node_id,
            "type": "utility.transform",
            "label": f"{node.name} (items)",
            "notes": "Added on import: the item that leaves the loop here, for the nodes after "
            "it (n8n hands them on every item that reached this point).",
            "position": {"x": x + 120, "y": y + 120},
            "config": {"language": "template", "expression": expression},
        }


# --- misc ---
def items_path(spec: Spec, index: int) -> str | None:
    """Where the items of output `index` lie (a path under `nodes.<id>`), or None for a node
    that emits one item: the output's own path (`Spec.output_items`), else `Spec.items`."""
    if index < len(spec.output_items):
        return spec.output_items[index]
    return spec.items


# --- end misc ---
def _output_count(cx: Converter, node: N8nNode) -> int:
    converted = cx.converted.get(node.name)
    if converted is not None:
        return len(converted.outputs)
    indices = [i for s, i, _ in [*cx.links, *cx.back_links] if s == node.name]
    return max(indices, default=0) + 1


def _position(raw: dict[str, Any]) -> tuple[float, float]:
    values = raw.get("position")
    if isinstance(values, list) and len(values) >= 2:
        x, y = values[0], values[1]
        if isinstance(x, int | float) and isinstance(y, int | float):
            return float(x), float(y)
    return 0.0, 0.0
