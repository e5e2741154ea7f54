"""n8n's Loop Over Items (Split in Batches) node as a WorkFuse loop."""

from __future__ import annotations

from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec


def _loop(node: N8nNode, cx: Converter) -> Converted:
    ref = cx.input_ref(node)
    path = ref[0] if ref else None
    if path == "trigger" and _feeds_from_webhook(node, cx):
        path = "trigger.body"
    items: Any = "{{ " + path + " }}" if path else []
    notes = [
        "n8n hands a list of items from node to node; WorkFuse passes one output. Check that "
        f"'items' ({items!r}) is the list to loop over."
    ]
    batch = node.params.get("batchSize", 1 if node.version >= 3 else 10)
    if batch != 1:
        notes.append(f"n8n ran batches of {batch}; WorkFuse runs the body once per item.")
    outputs = [[loop_output(node, 0)], [loop_output(node, 1)]]
    return Converted("logic.loop", {"items": items, "concurrency": 1}, outputs=outputs, notes=notes)


def _feeds_from_webhook(node: N8nNode, cx: Converter) -> bool:
    parents = cx.parents.get(node.name) or []
    return bool(parents) and cx.nodes[parents[0][0]].type == f"{BASE}webhook"


def loop_output(node: N8nNode, index: int) -> str:
    """Split in Batches v3 ("Loop Over Items") has done first; older versions loop first."""
    order = ("done", "each") if node.version >= 3 else ("each", "done")
    return order[index] if index < 2 else "done"


SPECS: dict[str, Spec] = {f"{BASE}splitInBatches": Spec(_loop, None, loop_handle=loop_output)}
