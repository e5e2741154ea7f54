"""A node reading a node of an earlier branch, made to run after it.

n8n lets a node read any node that has run (`$('Config')`), also one on another branch of the
same fork. Which branch runs first is fixed in n8n's execution order v1 (`settings.
executionOrder`, every workflow made since n8n 1.0): `WorkflowExecute` puts the nodes after a
node on its stack sorted by canvas position, the topmost first, and runs each branch to its end
(depth first) before the next. So, after

    Settings ─┬─ fetchConfig ─ Config          (higher on the canvas)
              └─ Schedule ─ PreparedData       (reads $('Config'))

Config has always run when PreparedData reads it. WorkFuse runs branches in parallel and lets a
node read its ancestors only, so the import adds an edge from the node read (Config) to the head
of the reader's branch (Schedule), which then waits for it as n8n's order did. The edge carries
no data the head reads: it is added only where the head's settings name everything it reads.

Only the sure cases are ordered: execution order v1, the node read strictly higher on the canvas
than the reader's branch at the fork (n8n's sort leaves equal heights to the sort's whims),
both branches reached only through the fork (no node with several inputs, which n8n makes wait),
and both outside any loop. Anything else stays refused, as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from editor.n8n.converter import Converter

Link = tuple[str, int, str]
# The setting whose absence makes a WorkFuse node read its previous node's output (`ctx.input`),
# which an added edge would change: by node type, as a path into its config.
IMPLICIT_INPUT: dict[str, tuple[str, ...]] = {
    "utility.set": ("input",),
    "utility.transform": ("input",),
    "utility.parse": ("value",),
    "utility.convert_file": ("items",),
    "action.code": ("n8n", "items"),
    "utility.filter": ("items",),
    "utility.sort": ("items",),
    "utility.limit": ("items",),
    "utility.dedupe": ("items",),
    "utility.aggregate": ("items",),
}


def ancestors(cx: Converter, name: str) -> set[str]:
    """The n8n nodes with a path to `name` (loop-backs included, as n8n ran them before)."""
    links = [(s, t) for s, _, t in [*cx.links, *cx.back_links]]
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        for source, target in links:
            if target == current and source not in seen:
                seen.add(source)
                todo.append(source)
    return seen


def earlier_branch(cx: Converter, reader: str, read: str) -> Link | None:
    """The fork's link (fork, output, head of the reader's branch) after which n8n has always
    run `read` when `reader` runs, if the import can make WorkFuse run it first too."""
    settings = cx.data.get("settings")
    if not isinstance(settings, dict) or settings.get("executionOrder") != "v1":
        return None
    if _in_a_cycle(cx, reader) or _in_a_cycle(cx, read) or cx.back_links:
        return None
    above_reader, above_read = ancestors(cx, reader), ancestors(cx, read)
    for fork, index, head in cx.links:
        if fork not in above_reader or fork not in above_read:
            continue
        if (head == reader or head in above_reader) and _fits(cx, fork, head, reader, read):
            return (fork, index, head)
    return None


def _fits(cx: Converter, fork: str, head: str, reader: str, read: str) -> bool:
    """`head` leads to `reader` and nothing else does; a branch of `fork` placed above `head`
    leads to `read` through nodes of one input each (run at once, depth first)."""
    if not _only_through(cx, reader, head) or len(cx.parents.get(head, [])) != 1:
        return False
    if read in _below(cx, head):
        return False
    head_y = _y(cx, head)
    for source, _, start in cx.links:
        if source != fork or start == head or head_y is None:
            continue
        y = _y(cx, start)
        path = ({start} | _below(cx, start)) & (ancestors(cx, read) | {read})
        if y is None or y >= head_y or read not in path or head in path:
            continue
        if all(len(cx.parents.get(name, [])) == 1 for name in path):
            return True
    return False


def _only_through(cx: Converter, reader: str, head: str) -> bool:
    """Every path from a node without inputs to `reader` passes `head`."""
    seen, todo = {reader}, [reader]
    while todo:
        current = todo.pop()
        if current == head:
            continue
        parents = cx.parents.get(current, [])
        if not parents:
            return False
        for source, _ in parents:
            if source not in seen:
                seen.add(source)
                todo.append(source)
    return True


def _below(cx: Converter, name: str) -> set[str]:
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        for source, _, target in cx.links:
            if source == current and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _y(cx: Converter, name: str) -> float | None:
    position = cx.nodes[name].raw.get("position")
    if not isinstance(position, list) or len(position) != 2:
        return None
    y = position[1]
    return float(y) if isinstance(y, int | float) and not isinstance(y, bool) else None


def _in_a_cycle(cx: Converter, name: str) -> bool:
    for poll in cx.polls.found:
        members = getattr(poll, "order", None) or [
            poll.entry,
            *getattr(poll, "body", []),
            getattr(poll, "decider", ""),
            *getattr(poll, "tail", []),
        ]
        if name in members:
            return True
    return False


def edge(cx: Converter, read: str, link: Link) -> dict[str, Any] | None:
    """The WorkFuse edge making the head of the reader's branch wait for `read`: from the
    step holding `read`'s output into the first step the fork's link enters (an inserted loop,
    or the head). None when either lies in a loop or the head would read the edge's data."""
    fork, _, head = link
    result = cx.converted.get(read)
    if result is None or fork not in cx.converted or head not in cx.converted:
        return None
    if cx.flow.scope.get(read) != () or cx.flow.scope.get(fork) != ():
        return None
    handles = [h for output in result.outputs for h in output]
    route = cx.flow.route(link)
    if not handles or not route or route[0][0] != cx.nodes[fork].id:
        return None
    target = route[0][1]
    loop = cx.flow.loops.get(target)
    if loop is not None:
        if loop.scope != ():
            return None
    elif cx.flow.scope.get(head) != () or _reads_input(cx.graph_nodes.get(head)):
        return None
    out = {"source": cx.nodes[read].id, "target": target}
    if handles[0] != "main":
        out["source_handle"] = handles[0]
    return out


def _reads_input(node: dict[str, Any] | None) -> bool:
    if node is None:
        return True
    path = IMPLICIT_INPUT.get(node["type"])
    if path is None:
        return False
    value: Any = node.get("config")
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value is None


def ordered(cx: Converter, reader: str, read: str) -> bool:
    """Whether `reader` may read `read`: an ancestor, or a node of an earlier branch whose
    ordering edge is recorded on the converter (`Converter.read_orders`)."""
    if read in ancestors(cx, reader):
        return True
    link = earlier_branch(cx, reader, read)
    if link is None:
        return False
    cx.read_orders[(read, link)] = reader
    return True
