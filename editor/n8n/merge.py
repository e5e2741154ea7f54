"""n8n's Merge node as a WorkFuse merge (every input's output, by node id)."""

from __future__ import annotations

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec


def _merge(node: N8nNode, cx: Converter) -> Converted:
    mode = node.params.get("mode") or "append"
    notes = []
    if mode not in ("append", "wait", "passThrough"):
        notes.append(
            f"n8n merged in '{mode}' mode; WorkFuse's merge outputs each input's output by "
            "node id ({inputs: {...}}). Adjust the nodes after it."
        )
    return Converted("utility.merge", {"mode": "all"}, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}merge": Spec(_merge, None)}
