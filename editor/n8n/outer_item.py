"""`$('Loop').item` of n8n's loop read inside a loop the import adds in that loop's body.

Inside the added (inner) loop WorkFuse's `item` is the inner loop's own: the engine gives a
template the innermost loop's `item` only (`executions/engine/running.py`, `_body_variables`).
n8n resolves `$('Loop').item` through the paired items back to the loop's batch; when every
item of the inner loop descends from the one item WorkFuse's n8n loop runs its body with, that
is exactly the n8n loop's current item. The import then keeps that item in a step of its own
at the head of the n8n loop's body (`utility.set` keeping all the item's fields, which hands
the item on unchanged), and the read becomes that step's output: an ancestor of the reader,
read at the n8n loop's current run as every ancestor in a body is.

The reader may descend from several nodes the n8n loop's `each` leads to (a Merge appending a
lookup's items to the loop's own item, as n8n's "Save your workflows into a GitHub repository"
template does): with one item per run of the body every one of them descends from that item,
and the step goes before one of them that has `each` as its only input, which runs first in
every run of the body.

Where the pairing is not certain (an item may come from outside the n8n loop's body), or no
node the reader descends from takes `each` alone, the read stays refused
(`Converter._check_item_seen`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from editor.n8n.converter import Converter, N8nNode
    from editor.n8n.expressions import Reference

MERGE = "n8n-nodes-base.merge"


def reference(cx: Converter, loop: N8nNode) -> Reference | None:
    """The template path of n8n's loop `loop`'s current item for the node being converted,
    when it runs in a loop the import added directly in `loop`'s body and each of its items
    descends from that current item; None otherwise."""
    if cx.current is None or not loop.id:
        return None
    scope = cx.flow.scope.get(cx.current.name, ())
    if len(scope) < 2 or scope[-2] != loop.id or scope[-1] not in cx.flow.loops:
        return None
    heads = _body_heads(cx, loop, cx.current.name)
    if not heads:
        return None
    # Every head runs once per item of `loop` with that item, so any of them the reader
    # descends from can carry the step; one already made is shared, else the first in the
    # export's order, so every reader of the same heads reads the same step.
    eligible = [n for n in cx.nodes if n in heads and _holds_one_item(cx, loop, cx.nodes[n])]
    if not eligible:
        return None
    head = cx.nodes[next((n for n in eligible if n in cx.outer_items), eligible[0])]
    return f"nodes.{_kept_item(cx, loop, head)}", {}


def _body_heads(cx: Converter, loop: N8nNode, name: str) -> set[str] | None:
    """The nodes `loop`'s `each` leads to from which `name`'s items descend, or None when some
    of them may come from outside the loop's body (n8n pairs those with no item of the loop)."""
    heads: set[str] = set()
    todo, seen = [name], {name}
    while todo:
        current = cx.nodes[todo.pop()]
        passed = _passed_whole(current)
        for feeder, index, target, into in cx.inputs:
            if target != current.name or (passed is not None and into not in passed):
                continue
            if feeder == loop.name:
                spec = cx.spec_of(loop.name)
                if spec.loop_handle is None or spec.loop_handle(loop, index) != "each":
                    return None
                heads.add(current.name)
            elif loop.id in cx.flow.scope.get(feeder, ()):
                if feeder not in seen:
                    seen.add(feeder)
                    todo.append(feeder)
            else:
                return None
    return heads


def _passed_whole(node: N8nNode) -> tuple[int, ...] | None:
    """The inputs whose items a Merge hands on as they are (choosing a branch, passing one
    through), the others' items not reaching its output; None for any other node."""
    if node.type != MERGE:
        return None
    params = node.params
    mode = params.get("mode") or "append"
    if mode == "chooseBranch" and node.version >= 3:
        if params.get("output", "specifiedInput") == "empty":
            return ()
        return (int(params.get("useDataOfInput", 1) or 1) - 1,)
    if mode in ("chooseBranch", "passThrough"):
        which = params.get("output", "input1")
        return () if which == "empty" else (1 if which == "input2" else 0,)
    return None


def _holds_one_item(cx: Converter, loop: N8nNode, head: N8nNode) -> bool:
    """Whether a step put before `head` runs once per item of `loop` with that item as its
    input: `head` has `loop`'s `each` as its only input and runs per item there."""
    from_loop = [p for p in cx.parents.get(head.name, []) if p[0] == loop.name]
    return (
        len(cx.parents.get(head.name, [])) == 1
        and len(from_loop) == 1
        and cx.flow.scope.get(head.name, ())[-1:] == (loop.id,)
        and not cx.flow.is_container(head)
    )


def _kept_item(cx: Converter, loop: N8nNode, head: N8nNode) -> str:
    """The id of the step keeping `loop`'s current item before `head`, made the first time it
    is read there."""
    made = cx.outer_items.get(head.name)
    if made is not None:
        return made
    step_id = cx.step_id(loop, "item")
    # A head refused on its own has no graph node; the import is refused for it anyway.
    graph_node = cx.graph_nodes.get(head.name, {})
    before = cx.steps_before.get(head.id, [])
    position = graph_node.get("position", {"x": 0, "y": 0})
    x, y = position["x"], position["y"]
    step: dict[str, Any] = {
        "id": step_id,
        "type": "utility.set",
        "label": f"{loop.name}: current item",
        "notes": (
            f"Added on import: keeps the current item of n8n's loop '{loop.name}' for the nodes "
            "in the loop over items inside its body, which read it as $('"
            f"{loop.name}').item."
        ),
        "position": {"x": x - 220 * (len(before) + 1), "y": y + 160},
        "config": {"keep": "all"},
    }
    if graph_node.get("disabled"):
        step["disabled"] = True
    cx.steps_before[head.id] = [step, *before]
    cx.outer_items[head.name] = step_id
    return step_id
