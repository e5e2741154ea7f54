"""n8n's No Operation node as a WorkFuse transform that passes its input through."""

from __future__ import annotations

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec


def _noop(node: N8nNode, cx: Converter) -> Converted:
    return Converted("utility.transform", {"language": "jmespath", "expression": "@"})


SPECS: dict[str, Spec] = {f"{BASE}noOp": Spec(_noop, None)}
