"""The converter core: the types node families share and the walk over a whole n8n export."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field, replace
from typing import Any

from editor.graph import GraphIssue

# --- n8nflow ---
# isort: split
from editor.n8n import cycles
from editor.n8n.calls import CallTargets

# --- end n8nflow ---
# --- vectors ---
# isort: split
from editor.n8n.attachments import is_part

# --- end vectors ---
# --- perfiles ---
# isort: split
from editor.n8n import per_item_files

# --- end perfiles ---
# --- loopitem ---
# isort: split
from editor.n8n import outer_item

# --- end loopitem ---
# isort: split
from editor.n8n import read_order

# isort: split
from editor.n8n.expressions import (
    Reference,
    Untranslatable,
    literal,
    nodes_read,
    scope_of,
    translate,
)
from editor.n8n.items import PER_ELEMENT, ItemFlow, ItemsRef, takes_all
from editor.n8n.names import MAX_ID, slug, unique

BASE = "n8n-nodes-base."
# --- quality ---
# A read of another node's settings in an n8n expression, and one step of its path.
PARAMETER_READ = re.compile(
    r"""(?:\$node\[\s*(?:"(?P<double>[^"]+)"|'(?P<single>[^']+)')\s*\]\.parameter"""
    r"""|\$\(\s*['"](?P<call>[^'"]+)['"]\s*\)\.params)"""
    r"""(?P<path>(?:\.\w+|\[\s*(?:\d+|"[^"]*"|'[^']*')\s*\])*)"""
)
PARAMETER_STEP = re.compile(r"""\.(\w+)|\[\s*(\d+)\s*\]|\[\s*"([^"]*)"\s*\]|\[\s*'([^']*)'\s*\]""")
# --- end quality ---
LANGCHAIN = "@n8n/n8n-nodes-langchain."


def _names(refs: list[tuple[tuple[str, int], Any]]) -> str:
    return ", ".join(f"'{name}'" for (name, _), _ in refs)


# Nodes whose running does not tell which of their outputs sent items (`_joined_ref`).
BRANCHING = {
    *(BASE + name for name in ("if", "switch", "filter", "compareDatasets")),
    *(LANGCHAIN + name for name in ("textClassifier", "sentimentAnalysis")),
}
DROPPED_TYPES = {f"{BASE}stickyNote"}
# files2: the path of a file a node's `Converted.fetch_file` step fetches.
FETCHED = "(fetched before the node that reads it)"
# The Spec fields that say only where a node's files are (they leave the item flow alone).
FILE_SPECS = {"binary", "binary_inputs", "binary_through", "binary_any"}  # files2: the last two
# --- triggersplit ---
# Set by editor/n8n/trigger_split.py on a node of one workflow copy that reads a node left in
# another: the refusal's message.
READS_ELSEWHERE = "workfuseReadsElsewhere"
# --- end triggersplit ---


class Refusal(Exception):
    """This node cannot be imported; the message says why and what to do."""


@dataclass
class N8nNode:
    index: int
    name: str
    type: str
    version: float
    params: dict[str, Any]
    raw: dict[str, Any]
    id: str = ""
    # --- perfiles ---
    # A node n8n runs once with every item that the import runs per item, in the inserted loop
    # where the files it reads are made (editor/n8n/per_item_files.py); set by the item flow.
    per_item: bool = False
    # --- end perfiles ---


@dataclass
class Converted:
    type: str
    config: dict[str, Any]
    # For each n8n output index, the WorkFuse handles it becomes (two when a switch's
    # fallback shares a case's output).
    outputs: list[list[str]] = field(default_factory=lambda: [["main"]])
    notes: list[str] = field(default_factory=list)
    # What this node's settings make of its output where they differ from its Spec (a
    # Summarize with group fields emits several items; a Crypto writing into a named field
    # keeps the item's other fields): Spec fields (`data`, `items`, `aliases`) for this node.
    spec: dict[str, Any] = field(default_factory=dict)
    # --- files ---
    # Called once when a later node reads one of this node's files (`Converter.file_ref`),
    # returning a note for the node or None: an HTTP Request that detects its response's format
    # keeps a binary answer as a file only then.
    on_file_ref: Callable[[], str | None] | None = None
    # Why a later node finds no file of the property it names here, and what to do, when the
    # node's settings explain it (a Webhook with Binary Data keeps the whole body as one file).
    missing_file: Callable[[str], str] | None = None
    # --- end files ---
    # --- files2 ---
    # For a node that names its file without fetching it (a Telegram trigger's update, whose
    # file n8n downloaded): given a fresh node id, the WorkFuse step that fetches the file
    # (`type`, `label`, `config`, its output's `file`); it runs right before each node that
    # reads the file, as `before` steps do. Its binary pairs hold the path FETCHED.
    fetch_file: Callable[[str], dict[str, Any]] | None = None
    # --- end files2 ---
    # --- rag ---
    # WorkFuse nodes that run right before this one, in this order, in its place in the flow
    # (a Q&A chain's search before its model answers, a file's text extracted before it is
    # stored): each a dict with `id` (from `Converter.step_id`), `type`, `label`, `config`.
    before: list[dict[str, Any]] = field(default_factory=list)
    # --- end rag ---
    # --- struct2 ---
    # For a node taking all its items: its `items` made from the Jinja expression of the list
    # it receives (an Aggregate keeping only some fields of each item picks them there).
    items_from: Callable[[str], str] | None = None
    # --- end struct2 ---


@dataclass(frozen=True)
class Spec:
    """How one n8n node type converts, and what the nodes after it read from it."""

    convert: Callable[[N8nNode, Converter], Converted]
    # What `$json` means after this node: "trigger" (the node is a trigger), a path under
    # `nodes.<id>` ("" for the whole output, "body", "result"), or None for nodes that pass
    # their input on.
    data: str | None
    # n8n output fields WorkFuse names differently: (n8n path, WorkFuse path).
    aliases: tuple[tuple[str, str], ...] = ()
    # Loops only: the handle ("each" or "done") n8n output `index` becomes. After "each"
    # `$json` is the loop's `item`, after "done" its results; n8n closes a loop with an edge
    # from the body back into the loop node, which is dropped since WorkFuse runs the body
    # once per item by itself.
    loop_handle: Callable[[N8nNode, int], str] | None = None
    # n8n items: where in the WorkFuse output (a path under `nodes.<id>`, "" for the output
    # itself) the list of the items this node emits lies, when it may emit several (Split Out
    # -> "result", Filter -> "items"); None when it emits one item (its `data` is that item's
    # json). The converter runs the per-item nodes after a many-item node in a loop.
    items: str | None = None
    # --- n8nai ---
    # For node types whose output shape depends on the node's settings (an agent with an
    # output parser answers in `json`, GitHub's getIssues emits many items where create emits
    # one): this node's own Spec. Read a node's spec with `Converter.spec_of`.
    per_node: Callable[[N8nNode, Converter], Spec] | None = None
    # --- end n8nai ---
    # --- files ---
    # The files this node outputs, by n8n binary property (n8n's `item.binary.<name>`): pairs
    # of (property, template path of the WorkFuse file value), e.g. (("data",
    # "nodes.download.file"),); set per node through `Converted.spec`, since the path holds the
    # node's id and the property is a setting. Nodes whose `data` is None (IF, Wait, No-op,
    # loops) pass their input item's files on; see `Converter.file_ref`.
    binary: tuple[tuple[str, str], ...] = ()
    # --- end files ---
    # --- httpfiles ---
    # The inputs whose items' files this node's items carry (a Merge combining by position or
    # choosing a branch), least to most preferred: a file the later ones have wins.
    binary_inputs: tuple[int, ...] = ()
    # --- end httpfiles ---
    # --- misc ---
    # For a node whose outputs carry different lists (Compare Datasets' four): where, for each
    # n8n output in turn, its items lie (as `items`, which they override port by port).
    output_items: tuple[str, ...] = ()
    # --- end misc ---
    # --- files2 ---
    # The node's items keep their input item's files beside their own (Edit Fields keeping
    # binary data, a Code node handing its items on, Edit Image's information): a file it does
    # not make is looked for before it, as through the nodes that pass their items on.
    binary_through: bool = False
    # A path to an object of file values by binary property (a Webhook's uploads,
    # `trigger.files`): the node makes a file of any property name, that object's entry.
    binary_any: str = ""
    # --- end files2 ---
    # --- constructs ---
    # For a node that hands its input item on with fields added (Sentiment Analysis'
    # `sentimentAnalysis`): (field, Jinja expression of its value) pairs, set per node through
    # `Converted.spec` since the expression reads the node's own output.
    adds: tuple[tuple[str, str], ...] = ()
    # --- end constructs ---
    # --- files ---
    # A path to the list of the files of each item the node emits, by position (a Code node's
    # `binary`, one object of file values per returned item): in a loop over those items, the
    # item's own files are that list's entry at the loop's `index`.
    binary_each: str = ""
    # The node's one item carries the files of the first item it receives (Aggregate with
    # Include Binaries: n8n's `addBinariesToItem` keeps each property's first file under its
    # own name), found in that item: through a Merge appending its inputs (`appends`), the
    # first input's.
    binary_first: bool = False
    # A Merge appending its inputs' items in turn: its first items are its first input's.
    appends: bool = False
    # --- end files ---
    # --- filesplit ---
    # (path, prefix) when the node's item carries exactly the files <prefix>0, <prefix>1, ...
    # in that order, all in the object of file values at path (an unpacked archive's `files`):
    # what a Split Out of `$binary` after it hands on, one file per item.
    binary_numbered: tuple[str, ...] = ()
    # --- end filesplit ---
    # --- ops ---
    # As `aliases`, for each of the items this node emits (`items`), read as the `item` of the
    # loop over them: HubSpot's legacy company records, one item each.
    item_aliases: tuple[tuple[str, str], ...] = ()
    # --- end ops ---
    # --- slack ---
    # For a trigger whose n8n item is a part of what the WorkFuse trigger outputs (Slack's
    # event, the call's `body.event`): that part's path under `trigger`; "" for all of it.
    trigger_item: str = ""
    # --- end slack ---


class Converter:
    """One n8n export being converted with the given node specs.

    `sub_nodes` are the n8n types that configure the node they are attached to (by an
    `ai_languageModel` connection) instead of running themselves: the chat models of agents
    and chains.

    n8n passes lists of items from node to node and WorkFuse passes one output per node, so
    `$json` becomes the output of the node feeding this one (its `body` for HTTP, `result` for
    transforms and code, `item` inside a loop); nodes that hand their input on unchanged in n8n
    (IF, Switch, Wait, Merge, No-op) are looked through.
    """

    def __init__(self, data: dict[str, Any], specs: Mapping[str, Spec], sub_nodes: Set[str]):
        self.data = data
        self.specs = specs
        self.sub_nodes = sub_nodes
        self.issues: list[GraphIssue] = []
        self.nodes: dict[str, N8nNode] = {}
        self.models: dict[str, N8nNode] = {}  # agent/chain name -> its chat model sub-node
        self.parents: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self.links: list[tuple[str, int, str]] = []
        # (source, output, target, target input) for each main link, loop-backs left out.
        self.inputs: list[tuple[str, int, str, int]] = []
        self.back_links: list[tuple[str, int, str]] = []  # body -> n8n loop node, dropped
        self.converted: dict[str, Converted] = {}
        # --- n8nflow ---
        # The workflows an Execute Workflow node may call (a set of files imported together).
        self.calls = CallTargets()
        # --- end n8nflow ---
        self.flow = ItemFlow(self, [])
        self.current: N8nNode | None = None  # the node being converted
        # What the import report says per n8n node (editor/n8n/report.py): refusals by name,
        # and the WorkFuse node each n8n node became.
        self.refusals: dict[str, list[str]] = defaultdict(list)
        self.caveats: dict[str, list[str]] = {}
        self.node_ids: dict[str, str] = {}
        # --- files ---
        self.graph_nodes: dict[str, dict[str, Any]] = {}  # each n8n node's WorkFuse node
        # --- end files ---
        # --- rag ---
        self.steps_before: dict[str, list[dict[str, Any]]] = {}  # node id -> `Converted.before`
        self.step_ids: set[str] = set()
        # --- end rag ---
        # --- files2 ---
        # reader name -> producer name -> the step fetching its file (`Converted.fetch_file`)
        self.fetches: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        # --- end files2 ---
        # --- perfiles ---
        # reader name -> notes on the file it reads (per_item_files.prefer_pairable)
        self.file_notes: dict[str, list[str]] = defaultdict(list)
        # --- end perfiles ---
        # --- repeat ---
        self.polls = cycles.Polls()  # the export's polling loops, once `run` has found them
        # --- end repeat ---
        # --- constructs ---
        # trigger -> the (source, output) connections into it
        self.into_triggers: dict[str, list[tuple[str, int]]] = defaultdict(list)
        # --- end constructs ---
        # --- loopitem ---
        # head of an n8n loop's body -> the step before it keeping the loop's current item
        # (editor/n8n/outer_item.py)
        self.outer_items: dict[str, str] = {}
        # --- end loopitem ---
        # n8n node name -> notes on the links into it from outputs its source does not have
        self.dead_links: dict[str, list[str]] = defaultdict(list)
        # (node read, the fork's link to the reader's branch) -> reader (editor/n8n/read_order.py)
        self.read_orders: dict[tuple[str, tuple[str, int, str]], str] = {}

    def run(self) -> dict[str, Any]:
        self._read_nodes()
        self._read_connections()
        # --- n8nflow ---
        polls = self.polls = cycles.unlink_polls(self)
        # --- end n8nflow ---
        self.flow = ItemFlow(self, self.back_links)
        self.flow.plan()
        # --- n8nflow ---
        # A node's `$json` reads what its converted parent says of its output (`spec_of`), so
        # parents are converted first; the graph keeps the export's order.
        made = {name: self._node(self.nodes[name]) for name in cycles.upstream_first(self)}
        wf_nodes = [n for n in (made[name] for name in self.nodes) if n]
        # --- end n8nflow ---
        # --- rag ---
        wf_nodes = [m for n in wf_nodes for m in (*self.steps_before.get(n["id"], ()), n)]
        # --- end rag ---
        self.current = None
        wf_nodes += [self.flow.loop_node(loop) for loop in self.flow.loops.values()]
        wf_nodes += [self.flow.exit_node(e) for e in self.flow.exits.values() if e.node_id]
        wf_nodes += [self.flow.gate_node(gate) for gate in self.flow.gates.values()]
        self._check_triggers()
        edges = self._edges()
        # --- n8nflow ---
        wf_nodes, edges = polls.rewrite(self, wf_nodes, edges)
        # --- end n8nflow ---
        if not any(n["type"].startswith("trigger.") for n in wf_nodes) and not self.issues:
            wf_nodes, edges = self._add_manual_trigger(wf_nodes, edges)
        return {"nodes": wf_nodes, "edges": edges}

    def refuse(self, node: N8nNode | None, message: str) -> None:
        where = f"nodes[{node.index}]" if node else "nodes"
        self.issues.append(GraphIssue(None, where, message))
        if node is not None:
            self.refusals[node.name].append(message)

    def _read_nodes(self) -> None:
        taken: set[str] = set()
        for index, raw in enumerate(self.data.get("nodes") or []):
            if not isinstance(raw, dict) or raw.get("type") in DROPPED_TYPES:
                continue
            name = str(raw.get("name") or f"Node {index + 1}")
            params = raw.get("parameters")
            params = params if isinstance(params, dict) else {}
            node = N8nNode(index, name, str(raw.get("type") or ""), _version(raw), params, raw)
            # --- triggersplit ---
            if raw.get(READS_ELSEWHERE):  # a copy reading a node of another (trigger_split.py)
                self.refuse(node, str(raw[READS_ELSEWHERE]))
                continue
            # --- end triggersplit ---
            if node.type in self.sub_nodes or is_part(self.data, name, node.type):  # vectors
                self.nodes.setdefault(name, node)
                continue
            if node.type not in self.specs:
                self.refuse(
                    node,
                    f"n8n node '{name}' ({node.type or 'no type'}) has no WorkFuse equivalent "
                    "yet; remove or replace it in n8n (an HTTP Request node can often stand "
                    "in), then export again.",
                )
                continue
            if name in self.nodes:
                self.refuse(node, f"Two n8n nodes are named '{name}'; rename one and export again.")
                continue
            node.id = unique(slug(name), taken, MAX_ID)
            taken.add(node.id)
            self.nodes[name] = node

    def _read_connections(self) -> None:
        connections = self.data.get("connections") or {}
        for source, kinds in connections.items():
            if source not in self.nodes or not isinstance(kinds, dict):
                continue
            for kind, outputs in kinds.items():
                for index, targets in enumerate(_list(outputs)):
                    for target in _list(targets):
                        name = target.get("node") if isinstance(target, dict) else None
                        if name not in self.nodes:
                            continue
                        if kind == "ai_languageModel" and self.nodes[source].type in self.sub_nodes:
                            self.models[name] = self.nodes[source]
                        # --- constructs ---
                        elif kind == "main" and self._is_trigger(name):
                            self.into_triggers[name].append((source, index))
                        # --- end constructs ---
                        elif kind == "main":
                            self.links.append((source, index, name))
        # --- constructs ---
        # n8n passes the items a trigger is given through to the nodes after it
        # (WorkflowExecute.runNode, outside manual runs): the source connects to them directly.
        for trigger, sources in self.into_triggers.items():
            after = [(index, target) for s, index, target in self.links if s == trigger]
            for source, output in sources:
                self.links += [(source, output, target) for _, target in after]
        # --- end constructs ---
        self.back_links = [link for link in self.links if self._loops_back(link)]
        self.links = [link for link in self.links if link not in self.back_links]
        inputs = {(s, i, t): target_input(connections, s, i, t) for s, i, t in self.links}
        for source, index, target in sorted(self.links, key=lambda link: inputs[link]):
            self.parents[target].append((source, index))
            self.inputs.append((source, index, target, inputs[(source, index, target)]))
        for name, node in list(self.nodes.items()):
            if node.type in self.sub_nodes or is_part(self.data, name, node.type):  # vectors
                del self.nodes[name]

    def _drop_dead_links(self, node: N8nNode, outputs: int) -> bool:
        """Drop the export's links from outputs `node` does not have (an edited export can link
        a Code node's second output): n8n never sends items along them. A node they led to
        says so in its notes."""
        dead = [link for link in self.links if link[0] == node.name and link[1] >= outputs]
        for source, index, target in dead:
            self.links.remove((source, index, target))
            self.parents[target].remove((source, index))
            self.inputs = [i for i in self.inputs if i[:3] != (source, index, target)]
            self.dead_links[target].append(
                f"n8n never ran it from '{source}': the export links that node's output "
                f"{index + 1}, which it does not have ({outputs} output"
                f"{'s' if outputs != 1 else ''})."
            )
        return bool(dead)

    # --- constructs ---
    def _is_trigger(self, name: str) -> bool:
        spec = self.specs.get(self.nodes[name].type)
        return spec is not None and spec.data == "trigger"

    # --- end constructs ---
    def _loops_back(self, link: tuple[str, int, str]) -> bool:
        """Whether `link` runs from a loop's body back into the loop node."""
        source, _, target = link
        spec = self.specs.get(self.nodes[target].type)
        if spec is None or spec.loop_handle is None:
            return False
        children: dict[str, list[str]] = defaultdict(list)
        for s, _, t in self.links:
            children[s].append(t)
        seen, todo = set(), [target]
        while todo:
            current = todo.pop()
            if current == source:
                return True
            if current not in seen:
                seen.add(current)
                todo.extend(children[current])
        return False

    def _check_triggers(self) -> None:
        """A WorkFuse workflow may have several triggers, one of each kind (DESIGN §3): two n8n
        triggers that become the same kind are refused by their n8n names."""
        first: dict[str, N8nNode] = {}
        for node, kind in self.trigger_kinds():
            earlier = first.setdefault(kind, node)
            if earlier is not node:
                self.refuse(
                    node,
                    f"The n8n triggers '{earlier.name}' and '{node.name}' both become a "
                    f"{kind} trigger, and a WorkFuse workflow has at most one of each "
                    "kind. Import the export with POST /api/workflows/import, which saves one "
                    "more workflow per extra trigger (docs/n8n-import.md), or keep one of them "
                    "in n8n.",
                )

    # --- triggersplit ---
    def trigger_kinds(self) -> list[tuple[N8nNode, str]]:
        """Each n8n trigger converted, in the export's order, with the WorkFuse trigger type
        it became."""
        return [
            (node, converted.type)
            for node in self.nodes.values()
            if self.specs[node.type].data == "trigger"
            and (converted := self.converted.get(node.name)) is not None
        ]

    # --- end triggersplit ---
    def _node(self, node: N8nNode) -> dict[str, Any] | None:
        self.current = node
        # --- perfiles ---
        if per_item_files.file_read(self, node) is not None:
            self.flow.plan()  # where its files are made is known now that its parents are
        # --- end perfiles ---
        try:
            result = self.specs[node.type].convert(node, self)
            retry = _retry(node.raw)
        except Refusal as exc:
            self.fetches.pop(node.name, None)  # files2
            self.refuse(node, f"n8n node '{node.name}' ({node.type}): {exc}")
            return None
        except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
            # The export is user-supplied JSON: a parameter of an unexpected shape is a
            # refusal to show, not a server error.
            self.refuse(
                node,
                f"n8n node '{node.name}' ({node.type}): its settings could not be read ({exc}). "
                "Open and save it in n8n, then export again.",
            )
            self.fetches.pop(node.name, None)  # files2
            return None
        self.converted[node.name] = result
        routed = node.raw.get("onError") == "continueErrorOutput"  # its error output, added below
        if self._drop_dead_links(node, len(result.outputs) + routed):
            self.flow.plan()
        # --- files2 ---
        result.before = [*self.fetches.pop(node.name, {}).values(), *result.before]
        # --- end files2 ---
        self.node_ids[node.name] = node.id
        if set(result.spec) - FILE_SPECS:  # files leave the flow alone
            self.flow.plan()  # what it emits differs from its type's: its children see that
        if takes_all(node) and "items" in result.config:
            # The walk knows where the items come from (a list, or a loop's results).
            result.config["items"] = self.input_items(node)
            # --- struct2 ---
            if result.items_from is not None:
                listed = self.input_list(node).jinja(guard=self._guarded(node))
                result.config["items"] = "{{ " + result.items_from(listed) + " }}"
            # --- end struct2 ---
        result.notes += self.flow.caveats(node)
        result.notes += self.dead_links.pop(node.name, [])
        result.notes += self.file_notes.pop(node.name, [])  # perfiles
        # --- constructs ---
        if self.into_triggers.get(node.name):
            sources = ", ".join(
                f"'{s}'" for s in dict.fromkeys(s for s, _ in self.into_triggers[node.name])
            )
            result.notes.append(
                f"n8n passes the items {sources} sends into this trigger through to the nodes "
                f"after it; WorkFuse triggers take no input, so {sources} connects to those nodes "
                "directly."
            )
        # --- end constructs ---
        raw = node.raw
        position = _list(raw.get("position"))
        notes = [str(raw["notes"])] if raw.get("notes") else []
        notes += result.notes
        out: dict[str, Any] = {
            "id": node.id,
            "type": result.type,
            "label": node.name,
            "position": {"x": _coordinate(position, 0), "y": _coordinate(position, 1)},
            "config": result.config,
        }
        if retry:
            out["retry"] = retry
        on_error = raw.get("onError")
        if on_error == "continueErrorOutput":
            out["on_error"] = "route"
            result.outputs = [*result.outputs, ["error"]]
        elif on_error == "continueRegularOutput" or raw.get("continueOnFail"):
            out["on_error"] = "continue"
        if raw.get("disabled"):
            out["disabled"] = True
            result.notes.append(
                "Disabled in n8n, where a disabled node passes its input on; WorkFuse skips it "
                "and the nodes after it."
            )
            notes.append(result.notes[-1])
        self.caveats[node.name] = list(result.notes)
        if notes:
            out["notes"] = "\n".join(notes)
        # --- rag ---
        if result.before:
            self.steps_before[node.id] = _placed_before(result.before, out)
        # --- end rag ---
        # --- files ---
        self.graph_nodes[node.name] = out
        # --- end files ---
        return out

    def _edges(self) -> list[dict[str, Any]]:
        """The links as WorkFuse edges, through the loops the item flow inserts (into a loop's
        `each`, out of its `done`) and into the exit nodes that collect a loop's items."""
        edges: list[dict[str, Any]] = []
        seen: set[tuple[str, str, str]] = set()

        def add(source: str, handle: str, target: str) -> None:
            # --- rag ---
            before = self.steps_before.get(target)
            if before and source not in {step["id"] for step in before}:
                target = before[0]["id"]  # into the first of the steps that run before it
            # --- end rag ---
            if (source, handle, target) in seen:
                return
            seen.add((source, handle, target))
            edge = {"source": source, "target": target}
            if handle != "main":
                edge["source_handle"] = handle
            edges.append(edge)

        gates = {gate.id for gate in self.flow.gates.values()}
        for source, index, target in self.links:
            result = self.converted.get(source)
            if result is None or target not in self.converted or index >= len(result.outputs):
                continue
            loop = self.flow.entry.get((source, index, target))
            for a, b in self.flow.route((source, index, target)):
                if a == self.nodes[source].id:
                    for handle in result.outputs[index]:
                        add(a, handle, b)
                elif a in gates:
                    add(a, "true", b)
                else:
                    add(a, "each" if a == loop and b == self.nodes[target].id else "done", b)
        for exit_ in self.flow.exits.values():
            name, index = exit_.port
            result = self.converted.get(name)
            if exit_.node_id and result is not None and index < len(result.outputs):
                for handle in result.outputs[index]:
                    add(self.nodes[name].id, handle, exit_.node_id)
        # --- rag ---
        for node_id, before in self.steps_before.items():
            ids = [step["id"] for step in before]
            for source, target in zip(ids, [*ids[1:], node_id], strict=True):
                add(source, "main", target)
        # --- end rag ---
        for read, link in self.read_orders:
            order = read_order.edge(self, read, link)
            if order is not None:
                add(order["source"], order.get("source_handle", "main"), order["target"])
        return edges

    # --- quality ---
    def origins(self) -> dict[str, N8nNode]:
        """The n8n node behind each WorkFuse node the import made: the node it became, the
        steps run before it, the loop over its items and the exit handing its items on."""
        by_id = {node.id: node for node in self.nodes.values() if node.id}
        found = {node.id: node for name, node in self.nodes.items() if name in self.converted}
        for node_id, before in self.steps_before.items():
            found.update({step["id"]: by_id[node_id] for step in before if node_id in by_id})
        for loop in self.flow.loops.values():
            if loop.sources and loop.sources[0][0] in self.nodes:
                found[loop.id] = self.nodes[loop.sources[0][0]]
        for exit_ in self.flow.exits.values():
            if exit_.node_id and exit_.port[0] in self.nodes:
                found[exit_.node_id] = self.nodes[exit_.port[0]]
        for gate in self.flow.gates.values():
            found[gate.id] = self.nodes[gate.port[0]]
        return found

    # --- end quality ---
    def view_meta(self) -> dict[str, Any]:
        """Which n8n node each WorkFuse node came from and where, in each run of it, the items
        of each n8n output lie (templates over the step's `nodes`, `item`, and `loop_items`:
        a loop's list). executions/n8n_view.py renders a run as n8n items from it."""
        nodes: dict[str, Any] = {}
        for name, result in self.converted.items():
            node = self.nodes[name]
            outputs = []
            linked = {i for s, i, _ in [*self.links, *self.back_links] if s == name}
            for index, handles in enumerate(result.outputs):
                # As n8n's pinData: the first output, and the others that lead somewhere.
                if index == 0 or index in linked:
                    items = self.flow.view_items(node, index)
                    outputs.append({"handles": handles, "items": items})
            nodes[node.id] = {"name": name, "type": node.type, "outputs": outputs}
        return {"nodes": nodes}

    def _add_manual_trigger(
        self, nodes: list[dict[str, Any]], edges: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        start_id = unique("start", {n["id"] for n in nodes}, MAX_ID)
        targets = {e["target"] for e in edges}
        roots = [n for n in nodes if n["id"] not in targets]
        x = min((n["position"]["x"] for n in nodes), default=0) - 240
        y = roots[0]["position"]["y"] if roots else 0
        trigger = {
            "id": start_id,
            "type": "trigger.manual",
            "label": "Manual trigger",
            "notes": "Added on import: the n8n workflow had no trigger WorkFuse could use.",
            "position": {"x": x, "y": y},
            "config": {},
        }
        return [trigger, *nodes], [
            *({"source": start_id, "target": r["id"]} for r in roots),
            *edges,
        ]

    # --- files: what `$binary.<name>` means ----------------------------------------------

    def file_ref(self, node: N8nNode, prop: Any = "data", first: bool = False) -> str:
        """A template for the file in binary property `prop` of the item `node` receives (n8n's
        "Input Binary Field", `data` by default), e.g. '{{ nodes.download.file }}': a file value
        (workfuse/lib/files.py) for a setting that takes a file (`utility.extract_file`'s
        `file`, a multipart field of `action.http`, ...).

        The file is found upstream: the first parent's `Spec.binary` (its `Converted.spec`
        for per-node settings), looking through nodes that pass their items on (`data` None).
        Refusal, naming the node and the property, when the property is an expression, when no
        node before it makes that file in WorkFuse (a trigger's upload, a node WorkFuse keeps no
        file of), or when the file's node emits several items here (the file could not be
        paired with this node's item). A node type that makes files declares them in its
        conversion: `Converted(..., spec={"binary": (("data", f"nodes.{node.id}.file"),)})`.
        `first`: whichever file the item has first (n8n's "automatically"), `prop` unused.
        """
        name = "" if first else str(prop if prop not in (None, "") else "data")
        if name.startswith("=") and "{{" not in name:
            name = name[1:].strip()  # an "expression" of plain text is that text
        # --- filesplit ---
        indexed = per_item_files.indexed_file(self, node, name)
        if indexed is not None:
            return "{{ " + indexed + " }}"
        # --- end filesplit ---
        if name.startswith("="):
            raise Refusal(
                f"names the binary property of its input file with an expression ({name}); "
                "WorkFuse follows a file by a fixed property name. Set a name in n8n and export "
                "again."
            )
        producer, path = self._binary(node.name, name, set())
        if path is None:
            producer = producer or self._feeder(node.name)
            if not producer and self._never_runs(node.name):
                self.file_notes[node.name].append(
                    "No node links into it, so n8n never runs it, and neither does WorkFuse: "
                    "it reads no file here. Link a node making the file into it to use it."
                )
                return "{{ none }}"
            # --- files ---
            maker = self.converted.get(producer)
            if maker is not None and maker.missing_file is not None:
                raise Refusal(
                    f"reads the file in binary property '{name or 'data'}' of its input item: "
                    + maker.missing_file(name or "data")
                )
            # --- end files ---
            where = (
                f"'{producer}' outputs no such file" if producer else "no node before it makes it"
            )
            raise Refusal(
                f"reads the file in binary property '{name or 'data'}' of its input item, and in "
                "WorkFuse "
                f"{where} (WorkFuse keeps the files of HTTP Request's file "
                "responses, Convert to File and the nodes docs/n8n-import.md lists); make the "
                "file with one of them in n8n, then export again."
            )
        # --- files ---
        paired = per_item_files.paired_path(self, node, producer, path)
        paired = paired or per_item_files.first_item_file(self, node, producer, path)  # firstfile
        path = paired or path
        # --- end files ---
        if not paired and self._first_item(producer) is not None:
            raise Refusal(
                f"reads the file in binary property '{name}' that '{producer}' makes once per "
                "item, from outside the loop over those items; WorkFuse pairs a file with its "
                "item only inside that loop. Put this node right after it in n8n, then export "
                "again."
            )
        converted = self.converted.get(producer)
        # --- files2 ---
        if path == FETCHED and converted is not None and converted.fetch_file is not None:
            fetches = self.fetches[node.name]
            if producer not in fetches:
                step_id = self.step_id(node, "file")
                fetches[producer] = {"id": step_id, **converted.fetch_file(step_id)}
            path = f"nodes.{fetches[producer]['id']}.file"
        # --- end files2 ---
        if converted is not None and converted.on_file_ref is not None:
            note, converted.on_file_ref = converted.on_file_ref(), None
            if note:
                self.caveats.setdefault(producer, []).append(note)
                made = self.graph_nodes.get(producer)
                if made is not None:
                    made["notes"] = "\n".join(filter(None, [made.get("notes"), note]))
        # --- items ---
        entered = self.polls.entered_at(node.name)
        if entered is not None and not first:  # a round's entry: the file that went round
            path = cycles.carried_file(self, entered, name, path)
        # --- end items ---
        return "{{ " + path + " }}"

    def _never_runs(self, name: str) -> bool:
        """A node no link leads into, in an export that has a trigger: neither n8n nor WorkFuse
        (whose runs hold only what their trigger reaches) ever runs it."""
        return not self._is_trigger(name) and any(self._is_trigger(n) for n in self.nodes)

    def _feeder(self, name: str) -> str:
        """The name of an n8n node the export links into `name` (one not imported, say)."""
        for source, kinds in (self.data.get("connections") or {}).items():
            outputs = kinds.get("main") if isinstance(kinds, dict) else None
            for targets in _list(outputs):
                if any(isinstance(t, dict) and t.get("node") == name for t in _list(targets)):
                    return str(source)
        return ""

    def _binary(self, name: str, prop: str, seen: set[str]) -> tuple[str, str | None]:
        """The node before `name` that makes the file `prop` and the file's path, looking
        through nodes that pass their items on; (the node that stopped the search, None) when
        none does, ("", None) when `name` has no input."""
        parents = self.parents.get(name)
        if not parents or name in seen:
            return "", None
        seen.add(name)
        return self._made_by(parents[0][0], prop, seen)

    def _made_by(self, source: str, prop: str, seen: set[str]) -> tuple[str, str | None]:
        """As `_binary`, for the items `source` emits."""
        spec = self.spec_of(source)
        files = dict(spec.binary)
        if prop in files or (prop == "" and files):
            return source, files.get(prop) or next(iter(files.values()))
        # --- files ---
        if spec.binary_first:
            return self._first_item_file(source, prop, seen)
        # --- end files ---
        # --- files2 ---
        if spec.binary_any:
            return source, _any_file(spec.binary_any, prop)
        # --- end files2 ---
        # --- httpfiles ---
        if spec.binary_inputs and source not in seen:
            seen.add(source)
            candidates = [
                self._made_by(feeder, prop, seen)
                for index in spec.binary_inputs
                for feeder, _, target, into in self.inputs
                if target == source and into == index
            ]
            made = [c for c in candidates if c[1] is not None]
            made = per_item_files.prefer_pairable(self, source, prop, made)  # perfiles
            return made[-1] if made else (source, None)
        # --- end httpfiles ---
        if spec.data is None or spec.loop_handle is not None or spec.binary_through:  # files2
            found = self._binary(source, prop, seen)
            # httpfiles: a node that makes other files is the one to name when none has this one
            return found if found[0] and (found[1] is not None or not files) else (source, None)
        return source, None

    def _first_item_file(self, name: str, prop: str, seen: set[str]) -> tuple[str, str | None]:
        """As `_binary`, for the first item `name` receives: a Merge appending its inputs hands
        on its first input's items first, so the file is looked for there."""
        parents = self.parents.get(name)
        if not parents or name in seen:
            return "", None
        seen.add(name)
        source = parents[0][0]
        while self.spec_of(source).appends and source not in seen:
            seen.add(source)
            first = [
                feeder for feeder, _, target, into in self.inputs if (target, into) == (source, 0)
            ]
            if len(first) != 1:
                return source, None
            source = first[0]
        return self._made_by(source, prop, seen)

    # --- end files ---
    # --- files2 ---
    def file_made_by(self, name: str, prop: str) -> str | None:
        """The template path of the file in binary property `prop` of the items the node
        `name` emits (`$('Name').item.binary.<prop>`), or None when WorkFuse has none."""
        return self._made_by(name, prop, set())[1] if name in self.nodes else None

    # --- end files2 ---
    # --- rag ---

    def step_id(self, node: N8nNode, suffix: str) -> str:
        """A fresh node id for a step that runs before `node` (`Converted.before`)."""
        taken = {n.id for n in self.nodes.values()} | self.flow.taken | self.step_ids
        made = unique(slug(f"{node.id}_{suffix}"), taken, MAX_ID)
        self.step_ids.add(made)
        return made

    # --- end rag ---
    # --- what `$json` and `$('Name')` mean -----------------------------------------------

    def input_ref(self, node: N8nNode) -> Reference | None:
        """The template path `$json` stands for in `node`, with field renames, or None: in the
        first node of a polling loop, what came in from outside in the first round and what
        went round from the round before after that (`cycles.carried_ref`)."""
        ref = self._input_ref(node)
        # --- repeat ---
        poll = self.polls.entered_at(node.name)
        if poll is not None:
            return cycles.carried_ref(self, poll, ref)
        # --- end repeat ---
        return ref

    def _input_ref(self, node: N8nNode) -> Reference | None:
        """The template path `$json` stands for in `node` by its links, with field renames.

        In an inserted loop's body `$json` is the loop's `item`; in a node that takes all items
        and evaluates its settings per item (Filter, Sort, ...: WorkFuse data nodes) it is the
        data node's `item` too; in another node that takes all items (Merge, Respond to
        Webhook) it is the first item, as in n8n."""
        parents = self.parents.get(node.name)
        if not parents:
            return None
        if takes_all(node):
            if node.type in PER_ELEMENT:
                return "item", {}
            out = self.flow.out.get(parents[0])
            if out is not None and (out.many or out.scope != self.flow.scope.get(node.name)):
                first = f"({self.flow.items_of(parents[0], ()).jinja()})[0]"
                # --- legacyai ---
                # A loop's results that are the parent's own outputs read under its n8n names
                # (an OpenAI node's message.content), as after it outside a loop.
                ended = out.scope[-1] if out.scope else ""
                exit_ = self.flow.exits.get((ended, parents[0]))
                if out.many or (exit_ is not None and exit_.node_id is not None):
                    return first, {}
                return first, dict(self.spec_of(parents[0][0]).aliases)
                # --- end legacyai ---
        return self._joined_ref(node, parents)

    # --- joins ---
    def _joined_ref(self, node: N8nNode, parents: list[tuple[str, int]]) -> Reference | None:
        """`$json` in a node that branches join at without a Merge: n8n runs it with the item of
        whichever parent sent one. A parent that always sends when it runs (one main output)
        is recognised by having run (`"<id>" in nodes`); at most one parent may not be (an IF's
        or Switch's branch, an error output), and it is read when none of the others ran.
        Parents read the same way (two triggers: `trigger` is the one that fired) need no test;
        their field names must agree."""
        refs = [(p, self._link_ref(p, node.name, set())) for p in dict.fromkeys(parents)]
        known = [(p, ref) for p, ref in refs if ref is not None]
        if len(known) < len(refs) or len(refs) == 1:
            return refs[0][1]
        aliases: dict[str, str] = {}
        for _, (_, named) in known:
            if any(aliases.get(field, path) != path for field, path in named.items()):
                raise Refusal(
                    f"reads its input ($json), which comes from {_names(refs)}, whichever ran; "
                    "their fields are named differently in WorkFuse, so one template cannot "
                    "read both. Read the fields by node name ($('Name')) in n8n and export again."
                )
            aliases.update(named)
        paths = list(dict.fromkeys(ref[0] for _, ref in known))
        if len(paths) == 1:
            return paths[0], aliases
        plain = [(p, ref[0]) for p, ref in known if self._sends_when_it_runs(p)]
        other = list(dict.fromkeys(ref[0] for p, ref in known if (p, ref[0]) not in plain))
        if len(other) > 1:
            raise Refusal(
                f"reads its input ($json) from {_names(refs)}, whichever sent an item, and "
                "WorkFuse cannot tell which branch did; put a Merge (mode 'Append') before it, "
                "or read the fields by node name ($('Name')), in n8n and export again."
            )
        path = other[0] if other else plain.pop()[1]
        for (name, _), ref_path in reversed(plain):
            path = f'({ref_path} if "{self.nodes[name].id}" in nodes else {path})'
        return path, aliases

    def _sends_when_it_runs(self, parent: tuple[str, int]) -> bool:
        """Whether `parent`'s node sends items on that output whenever it runs (so having run
        tells that its branch brought the item)."""
        node = self.nodes.get(parent[0])
        return (
            node is not None
            and bool(node.id)
            and parent[1] == 0
            and node.type not in BRANCHING
            and node.raw.get("onError") != "continueErrorOutput"
            and self.specs[node.type].loop_handle is None
        )

    # --- end joins ---

    def _link_ref(self, parent: tuple[str, int], target: str, seen: set[str]) -> Reference | None:
        if (parent[0], parent[1], target) in self.flow.entry:
            return "item", dict(self.spec_of(parent[0]).item_aliases)  # ops
        return self.output_ref(parent[0], parent[1], seen)

    def spec_of(self, name: str) -> Spec:
        """The node's Spec as its settings shape it: its type's `per_node` (an agent with an
        output parser answers in `json`), then what its conversion said (`Converted.spec`)."""
        node = self.nodes[name]
        spec = self.specs[node.type]
        if spec.per_node is not None:
            spec = spec.per_node(node, self)
        converted = self.converted.get(name)
        return replace(spec, **converted.spec) if converted and converted.spec else spec

    def output_ref(self, name: str, index: int | None, seen: set[str]) -> Reference | None:
        node = self.nodes.get(name)
        if node is None or name in seen:
            return None
        seen.add(name)
        spec = self.spec_of(name)
        if index is None and self._loops_over(name):
            # `$('Name').item` in a loop over Name's items: the paired item
            return "item", dict(spec.item_aliases)
        if index is None and (first := self._first_item(name)) is not None:
            return first, {} if self.flow.out[(name, 0)].many else dict(spec.aliases)
        if spec.loop_handle is not None:
            if index is None or spec.loop_handle(node, index) == "each":
                # --- loopitem ---
                kept = outer_item.reference(self, node)
                if kept is not None:
                    return kept
                # --- end loopitem ---
                self._check_item_seen(node)  # ops
                return "item", {}
            return f"nodes.{node.id}.results", {}
        if spec.data is None:
            parents = self.parents.get(name)
            ref = self._link_ref(parents[0], name, seen) if parents else None
            # --- cycles ---
            entered = self.polls.entered_at(name)
            if entered is not None:  # a Wait starting rounds or a poll: what went round
                ref = cycles.carried_ref(self, entered, ref)
            # --- end cycles ---
            # --- constructs ---
            if ref is not None and spec.adds:
                added = ", ".join(f"{field}={value}" for field, value in spec.adds)
                ref = f"dict({ref[0]}, {added})", ref[1]
            # --- end constructs ---
            return ref
        if spec.data == "trigger":
            item = f"trigger.{spec.trigger_item}" if spec.trigger_item else "trigger"  # slack
            return item, dict(spec.aliases)
        path = f"nodes.{node.id}" + (f".{spec.data}" if spec.data else "")
        return path, dict(spec.aliases)

    # --- ops ---
    def _check_item_seen(self, loop: N8nNode) -> None:
        """`$('Loop').item` of n8n's loop `loop` is WorkFuse's `item` only where no loop the
        import added runs inside it: there `item` is that loop's own (the engine gives the
        innermost loop's item)."""
        if self.current is None or not loop.id:
            return
        scope = self.flow.scope.get(self.current.name, ())
        if loop.id in scope and scope[-1] != loop.id:
            inner = self.flow.loops.get(scope[-1])
            over = ", ".join(sorted({s for s, _ in inner.sources})) if inner else scope[-1]
            raise Untranslatable(
                f"reads the current item of n8n's loop '{loop.name}' ($('{loop.name}').item) "
                f"inside the loop WorkFuse adds over the items of '{over}', where `item` is "
                f"that loop's own; carry the field on the items of '{over}' in n8n (or read it "
                f"before '{over}'), then export again."
            )

    # --- end ops ---
    def _loops_over(self, name: str) -> bool:
        """Whether the node being converted runs in an inserted loop over `name`'s items."""
        if self.current is None:
            return False
        scope = self.flow.scope.get(self.current.name, ())
        loop = self.flow.loops.get(scope[-1]) if scope else None
        return loop is not None and any(source == name for source, _ in loop.sources)

    def _first_item(self, name: str) -> str | None:
        """`$('Name').first()` (or `.item`) where Name's items are a list as the node being
        converted sees them (it emits several, or runs in a loop this node is not in): the
        first of them, as n8n pairs an item with the first when it cannot pair it."""
        out = self.flow.out.get((name, 0))
        if self.current is None or out is None or self.flow.is_container(self.nodes[name]):
            return None  # n8n's loop node by name, in its body: the batch's item
        here = self.flow.scope.get(self.current.name, ())
        looped_away = bool(out.scope) and out.scope[-1] in self.flow.loops
        looped_away = looped_away and out.scope[-1] not in here
        if not (looped_away or out.many):
            return None
        return f"({self.flow.items_of((name, 0), self.flow.outer(here)).jinja()})[0]"

    def input_items(self, node: N8nNode, input_index: int | None = None) -> str:
        """A template for the list of the items `node` receives (on one input of a Merge):
        a many-item node's list, an inserted loop's results, or `[...]` around one item."""
        return "{{ " + self.input_list(node, input_index).jinja(guard=self._guarded(node)) + " }}"

    def input_list(self, node: N8nNode, input_index: int | None = None) -> ItemsRef:
        """The items `node` receives, as an `ItemsRef` (rendered as Jinja or JavaScript)."""
        scope = self.flow.scope.get(node.name, ())
        if not takes_all(node) and scope and scope[-1] in self.flow.loops:
            scope = scope[:-1]  # a node an inserted loop runs: the list the loop goes over
        parts = tuple(
            part
            for source, index, target, into in self.inputs
            if target == node.name and input_index in (None, into)
            for part in self.flow.items_of((source, index), scope).parts
        )
        return ItemsRef(parts)

    def _guarded(self, node: N8nNode) -> bool:
        return len(self.parents.get(node.name, [])) > 1

    def value(self, value: Any, node: N8nNode) -> Any:
        """An n8n parameter value as a WorkFuse config value (templates for expressions)."""
        if isinstance(value, str):
            if value.startswith("="):
                return self.expression(value[1:], node)
            return literal(value)
        if isinstance(value, list):
            return [self.value(v, node) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v, node) for k, v in value.items()}
        return value

    def expression(self, text: str, node: N8nNode) -> str:
        """An n8n expression (without its `=`) in `node` as a template: exact where a template
        can be, else its JavaScript run by `n8n()` (expressions.py); Refusal for `$env`."""
        text = self._parameters_read(text)
        self._check_read_before(text, node)  # quality
        try:
            return translate(text, scope_of(self, node))
        except Untranslatable as exc:
            raise Refusal(str(exc)) from exc

    # --- quality ---
    def _check_read_before(self, text: str, node: N8nNode) -> None:
        """A node of the flow reads only nodes that run before it: n8n reads a node of another
        branch only when that branch happened to run first, WorkFuse never."""
        if self.nodes.get(node.name) is not node or not self.parents.get(node.name):
            return  # a tool or a sub-node, or a node nothing leads to
        for name in nodes_read(text, True):
            source = self.nodes.get(name)
            if source is None or name == node.name or self.specs[source.type].data == "trigger":
                continue
            if not read_order.ordered(self, node.name, name):
                raise Refusal(
                    f"reads the n8n node '{name}', which does not run before it (it is on another "
                    "branch: n8n reads it only when that branch happened to run first); connect "
                    f"'{name}' before '{node.name}' in n8n, or read what reaches "
                    f"'{node.name}', then export again."
                )

    def _parameters_read(self, text: str) -> str:
        """`$node["X"].parameter[...]` and `$('X').params...` replaced by what n8n reads there:
        node X's setting, written in the export (its own expression evaluated where it is read)."""

        def value(found: re.Match[str]) -> str:
            name = found.group("double") or found.group("single") or found.group("call") or ""
            source = self.nodes.get(name) or next(
                (
                    n
                    for n in self.data.get("nodes") or []
                    if isinstance(n, dict) and n.get("name") == name
                ),
                None,
            )
            params = (
                source.params if isinstance(source, N8nNode) else (source or {}).get("parameters")
            )
            current: Any = params if isinstance(params, dict) else {}
            for step in PARAMETER_STEP.findall(found.group("path")):
                key: Any = next(part for part in step if part)
                key = int(key) if key.isdigit() and isinstance(current, list) else key
                try:
                    current = current[key]
                except (KeyError, IndexError, TypeError):
                    return "undefined"  # as n8n reads a setting the node does not have
            if isinstance(current, str) and current.startswith("="):
                inner = current[1:].strip()
                if inner.startswith("{{") and inner.endswith("}}") and inner.count("{{") == 1:
                    return "(" + inner[2:-2].strip() + ")"
                raise Untranslatable(
                    f"reads the setting {found.group(0)!r} of the n8n node '{name}', which mixes "
                    "text and expressions; read the value it makes another way, then export again."
                )
            return json.dumps(current)

        return PARAMETER_READ.sub(value, text)

    # --- end quality ---


# --- files2 ---
def _any_file(files: str, prop: str) -> str:
    """The file in binary property `prop` of the object of files at path `files`; its first
    file for "" (n8n's "whichever the item has")."""
    if not prop:  # a mapping's attribute reads its key in templates: its first key instead
        return f"({files}[{files} | list | first])"
    return f"{files}[{json.dumps(prop)}]"


# --- end files2 ---
# --- rag ---
def _placed_before(steps: list[dict[str, Any]], node: dict[str, Any]) -> list[dict[str, Any]]:
    """`steps` as graph nodes left of `node`, disabled with it and retried as it is (n8n retried
    the whole node)."""
    x, y = node["position"]["x"], node["position"]["y"]
    placed = []
    for offset, step in enumerate(reversed(steps), start=1):
        made = {**step, "position": {"x": x - 220 * offset, "y": y + 160}}
        if node.get("disabled"):
            made["disabled"] = True
        if node.get("retry"):
            made["retry"] = dict(node["retry"])
        placed.append(made)
    return placed[::-1]


# --- end rag ---
def _retry(raw: dict[str, Any]) -> dict[str, Any] | None:
    """n8n's "Retry On Fail" waits the same time between tries; WorkFuse's multiplier 1 does too."""
    if not raw.get("retryOnFail"):
        return None
    return {
        "max_attempts": max(1, int(raw.get("maxTries") or 3)),
        "initial_delay_ms": max(0, int(raw.get("waitBetweenTries") or 1000)),
        "multiplier": 1,
        "max_delay_ms": 60000,
    }


def target_input(connections: dict[str, Any], source: str, index: int, target: str) -> int:
    for t in _list(connections[source]["main"][index]):
        if isinstance(t, dict) and t.get("node") == target and isinstance(t.get("index"), int):
            return int(t["index"])
    return 0


def json_text(text: Any) -> Any:
    """A parameter holding JSON text, parsed (None if it is not JSON); other values as they are."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def _version(raw: dict[str, Any]) -> float:
    try:
        return float(raw.get("typeVersion") or 1)
    except (TypeError, ValueError):
        return 1.0


def _coordinate(values: list[Any], index: int) -> float:
    value = values[index] if index < len(values) else 0
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
