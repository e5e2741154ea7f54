"""Nodes that read a file made once per item, run in the loop over those items.

n8n hands a vector store in insert mode every item at once, and its Default Data Loader
reads each item's file (LangChain's loaders, one document list per item, in item order). When
those files are made by a node that WorkFuse runs in an inserted loop (a Google Drive, BambooHR
or HTTP download after a listing), the files exist one per run of the loop's body, so the store
cannot read them all from after the loop (`Converter.file_ref` pairs a file with its item only
inside that loop). Inserting every item's documents at once stores the same chunks, in the same
order, as inserting each item's documents in turn: the store joins the loop and inserts its
item's documents in each run (`N8nNode.per_item`, read by `items.takes_all`).

It does not join when that would change what n8n does: a store that clears its collection
before inserting (once in n8n, in every run of the loop here) keeps the refusal, which then
says why.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from editor.n8n import items as item_flow  # a module cycle: its names are read at call time

if TYPE_CHECKING:
    from editor.n8n.converter import Converter, N8nNode
    from editor.n8n.items import ItemFlow, Out

LANGCHAIN = "@n8n/n8n-nodes-langchain."
LOADER = f"{LANGCHAIN}documentDefaultDataLoader"
STORES = frozenset(
    LANGCHAIN + name
    for name in (
        "vectorStoreQdrant",
        "vectorStorePinecone",
        "vectorStoreInMemory",
        "vectorStoreSupabase",
    )
)
NOTE = (
    "n8n inserted every item's documents in one run; here it runs in the loop over '{source}' "
    "and inserts each item's documents in turn (the same chunks, in the same order)."
)
CLEARS = (
    "clears its collection before it inserts, once for all the items in n8n; here the files "
    "'{producer}' makes exist one per run of the loop over its items, and clearing in every run "
    "would keep only the last file's documents. Turn the clearing off in n8n (clear the "
    "collection with a node of its own before the loop), then export again."
)


def file_read(cx: Converter, node: N8nNode) -> tuple[str, bool] | None:
    """(binary property, whether any file of the item will do) of the file the vector store
    `node` loads in insert mode with a Default Data Loader of binary data; else None."""
    if node.type not in STORES or node.params.get("mode") != "insert":
        return None
    from editor.n8n.ai_parts import attached  # ai_parts imports the converter, which imports us

    loaders = attached(cx, node, "ai_document")
    if not loaders or loaders[0].type != LOADER:
        return None
    p = loaders[0].params
    if p.get("dataType", "json") != "binary":
        return None
    every = p.get("binaryMode", "allInputData") == "allInputData"
    prop = "" if every else str(p.get("binaryDataKey") or "data")
    return prop, every


def clears(node: N8nNode) -> bool:
    """Whether the store empties its collection before inserting (once per run in n8n)."""
    options = node.params.get("options") or {}
    in_memory = node.type.endswith("InMemory") and bool(node.params.get("clearStore"))
    return bool(isinstance(options, dict) and options.get("clearNamespace")) or in_memory


def producer_in_loop(flow: ItemFlow, node: N8nNode, ins: list[Out]) -> str | None:
    """The n8n name of the node that makes the file `node` reads, when `node` takes all items
    and gets them, one per run, from the body of an inserted loop in which that file is made;
    else None."""
    read = file_read(flow.cx, node)
    if read is None or not ins:
        return None
    # --- files ---
    listed = _listed_producer(flow, node, read[0], ins)
    if listed is not None:
        return listed
    # --- end files ---
    scope = ins[0].scope
    if not scope or scope[-1] not in flow.loops:
        return None
    if any(o.many or o.scope != scope for o in ins):
        return None
    if node.name not in flow.cx.parents:
        return None
    notes = {name: list(found) for name, found in flow.cx.file_notes.items()}
    producer, path = flow.cx._binary(node.name, read[0], set())
    flow.cx.file_notes.clear()  # a plan notes nothing: the conversion reading the file does
    flow.cx.file_notes.update(notes)
    if path is None or not producer:
        return None
    out = flow.out.get((producer, 0))
    if out is None or out.many or out.scope != scope:
        return None
    return producer


def joins_loop(flow: ItemFlow, node: N8nNode, ins: list[Out]) -> bool:
    """Whether `node` runs in the inserted loop its files are made in (see the docstring)."""
    return not clears(node) and producer_in_loop(flow, node, ins) is not None


def loop_source(flow: ItemFlow, node: N8nNode) -> str:
    """The n8n name of what the loop `node` runs in goes over."""
    scope = flow.scope.get(node.name, ())
    loop = flow.loops.get(scope[-1]) if scope else None
    return loop.sources[0][0] if loop is not None and loop.sources else ""


def clearing_refused(cx: Converter, node: N8nNode) -> str | None:
    """The refusal for a store that clears its collection and reads files made per item."""
    if not clears(node):
        return None
    ins = [cx.flow.out[p] for p in cx.parents.get(node.name, []) if p in cx.flow.out]
    producer = producer_in_loop(cx.flow, node, ins)
    return CLEARS.format(producer=producer) if producer else None


def items(cx: Converter, node: N8nNode) -> str:
    """The store's `items` in one run of the loop: the one item it gets, as a list."""
    ref = cx.input_ref(node)
    return "{{ [" + (ref[0] if ref else "item") + "] }}"


MAYBE_FILE_NOTE = (
    "n8n's '{merge}' would hand on the file in binary property '{prop}' of '{maybe}' had its "
    "response been a file; '{maybe}' runs once per item in a loop this node is not in, and its "
    "response is read as data, so the file here is the one '{kept}' makes."
)


def prefer_pairable(
    cx: Converter, merge: str, prop: str, made: list[tuple[str, str | None]]
) -> list[tuple[str, str | None]]:
    """The files a Merge's inputs carry (least to most preferred, `Converter._made_by`), with
    the most preferred dropped when it is only a possible file (an HTTP Request detecting its
    response's format, `Converted.on_file_ref`) made once per item in a loop the node being
    converted is not in, and an earlier input has a file it can read: n8n's Merge keeps an
    input's file only when the item has one, and a JSON answer makes none."""
    if len(made) < 2 or cx.current is None:
        return made
    maybe, _ = made[-1]
    converted = cx.converted.get(maybe)
    if converted is None or converted.on_file_ref is None or cx._first_item(maybe) is None:
        return made
    kept = [c for c in made[:-1] if cx._first_item(c[0]) is None]
    if not kept:
        return made
    note = MAYBE_FILE_NOTE.format(merge=merge, prop=prop or "data", maybe=maybe, kept=kept[-1][0])
    notes = cx.file_notes[cx.current.name]
    if note not in notes:
        notes.append(note)
    return kept


# --- files ---
def _listed_producer(flow: ItemFlow, node: N8nNode, prop: str, ins: list[Out]) -> str | None:
    """The n8n name of the node right before `node` when it emits several items with their
    files by position (`Spec.binary_each`) and `node` reads those files: `node` then runs in
    a loop over those items, each run reading its item's files (`paired_path`)."""
    parents = flow.cx.parents.get(node.name) or []
    if len(parents) != 1 or len(ins) != 1 or not ins[0].many or parents[0][1] != 0:
        return None
    producer = parents[0][0]
    if not flow.cx.spec_of(producer).binary_each:
        return None
    return producer if flow.cx.file_made_by(producer, prop) is not None else None


def paired_path(cx: Converter, node: N8nNode, producer: str, path: str) -> str | None:
    """The file at `path` that `node` reads, paired with `node`'s item, when `producer` emits
    several items with their files by position (`Spec.binary_each`, a Code node's `binary`)
    and `node` runs directly in the inserted loop over exactly those items: the files' entry
    at the loop's `index`, as n8n's item keeps its own files. Else None."""
    each = cx.spec_of(producer).binary_each
    first = f"{each}[0]"
    if not each or first not in path:
        return None
    out = cx.flow.out.get((producer, 0))
    scope = cx.flow.scope.get(node.name, ())
    loop = cx.flow.loops.get(scope[-1]) if scope else None
    if out is None or not out.many or loop is None:
        return None
    if loop.sources != [(producer, 0)] or loop.scope != out.scope:
        return None
    return path.replace(first, f"{each}[index]")


# --- end files ---


# --- firstfile ---
RESPOND = "n8n-nodes-base.respondToWebhook"
# A file value's place in a node's output: dotted fields and list positions (`attachments[0]`).
_RELATIVE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[\d+\])*")


def reads_first_item(node: N8nNode) -> bool:
    """Whether n8n reads the file of `node`'s first input item only: Respond to Webhook
    (`items[0].binary`, whatever its settings) and a node set to Execute Once (n8n runs it with
    its first item)."""
    return node.type == RESPOND or node.raw.get("executeOnce") is True


def first_item_file(cx: Converter, node: N8nNode, producer: str, path: str) -> str | None:
    """The file at `path` that `node` reads when `producer` makes it once per item in an
    inserted loop `node` runs after, and `node` reads its first item's file only
    (`reads_first_item`): the first file the loop's results hold, as n8n's first item is the
    first the producer emitted. Only where `producer`'s output itself ends the loop's body (no
    exit node: its results are those outputs, files included) and `node` reads it directly;
    else None (the caller refuses)."""
    if not reads_first_item(node) or cx.parents.get(node.name) != [(producer, 0)]:
        return None
    out = cx.flow.out.get((producer, 0))
    if out is None or out.many or not out.scope or out.scope[-1] not in cx.flow.loops:
        return None
    if out.scope[-1] in cx.flow.scope.get(node.name, ()):
        return None  # node runs in that loop: it reads each item's file (paired_path's case)
    exit_ = cx.flow.exits.get((out.scope[-1], (producer, 0)))
    prefix = f"nodes.{cx.nodes[producer].id}."
    if exit_ is None or exit_.node_id is not None or not path.startswith(prefix):
        return None
    relative = path.removeprefix(prefix)
    if not _RELATIVE.fullmatch(relative):
        return None
    field = re.sub(r"\[(\d+)\]", r".\1", relative)  # Jinja's map(attribute=) reads a.0
    listed = cx.flow.items_of((producer, 0), cx.flow.outer(out.scope))
    results = [p for p in listed.parts if isinstance(p, item_flow.Results)]
    if len(results) != 1 or len(listed.parts) != 1:
        return None
    files = item_flow.ItemsRef((replace(results[0], field=field, flat=False),))
    return f"({files.jinja()})[0]"


# --- end firstfile ---


# --- filesplit ---
# A binary property named by its item's position: `file_{{ $itemIndex }}` (text around it).
_INDEXED = re.compile(r"=\s*([\w.-]*)\{\{\s*\$itemIndex\s*\}\}\s*")


def indexed_file(cx: Converter, node: N8nNode, prop: str) -> str | None:
    """The template path of the file `node` reads in a binary property named by its item's
    index (`=file_{{ $itemIndex }}`), when `node` runs directly in the loop over the items of
    a node handing each item its own files by position (`Spec.binary_each`, a Split Out of
    `$binary`): that item's file of that name, `$itemIndex` being the loop's `index`, as n8n
    evaluates the name for each item it gets. Else None (the caller refuses the expression)."""
    match = _INDEXED.fullmatch(prop)
    parents = cx.parents.get(node.name) or []
    if match is None or len(parents) != 1 or parents[0][1] != 0:
        return None
    producer = parents[0][0]
    each = cx.spec_of(producer).binary_each
    paired = paired_path(cx, node, producer, f"{each}[0]") if each else None
    if paired is None:
        return None
    return f"{paired}[{json.dumps(match.group(1))} ~ index]"


# --- end filesplit ---
