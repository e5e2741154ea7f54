"""n8n's Loop Over Items (Split in Batches) node as a WorkFuse loop."""

from __future__ import annotations

from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec


def _loop(node: N8nNode, cx: Converter) -> Converted:
    items: Any = cx.input_items(node) if cx.parents.get(node.name) else []
    notes: list[str] = []
    batch = node.params.get("batchSize", 1 if node.version >= 3 else 10)
    if batch != 1:
        notes.append(f"n8n ran batches of {batch}; WorkFuse runs the body once per item.")
    outputs = [[loop_output(node, 0)], [loop_output(node, 1)]]
    return Converted("logic.loop", {"items": items, "concurrency": 1}, outputs=outputs, notes=notes)


def loop_output(node: N8nNode, index: int) -> str:
    """Split in Batches v3 ("Loop Over Items") has done first; older versions loop first."""
    order = ("done", "each") if node.version >= 3 else ("each", "done")
    return order[index] if index < 2 else "done"


SPECS: dict[str, Spec] = {f"{BASE}splitInBatches": Spec(_loop, None, loop_handle=loop_output)}
