"""n8n's IF node (version 1's typed lists and version 2's filter) as a WorkFuse condition."""

from __future__ import annotations

from typing import Any

from editor.n8n.comparisons import comparison, filter_rules
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

V1_DEFAULT_OP = {"boolean": "equal", "dateTime": "after", "number": "smaller", "string": "equal"}
V1_DEFAULT_VALUE: dict[str, Any] = {"boolean": False, "dateTime": "", "number": 0, "string": ""}


def v1_rules(node: N8nNode, cx: Converter, conditions: dict[str, Any]) -> list[dict[str, Any]]:
    """Version 1's conditions (IF, Filter): typed lists of comparisons."""
    return [
        comparison(
            node,
            cx,
            kind,
            c.get("operation") or V1_DEFAULT_OP[kind],
            c.get("value1", V1_DEFAULT_VALUE[kind]),
            c.get("value2", V1_DEFAULT_VALUE[kind]),
        )
        for kind in ("boolean", "dateTime", "number", "string")
        for c in conditions.get(kind) or []
    ]


def _if(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    conditions = p.get("conditions") or {}
    if node.version >= 2:
        rules, combinator = filter_rules(node, cx, conditions)
    else:
        rules = v1_rules(node, cx, conditions)
        combinator = "or" if p.get("combineOperation") == "any" else "and"
    if not rules:
        raise Refusal("has no conditions; add one in n8n and export again.")
    config = {"combinator": combinator, "rules": rules}
    return Converted("logic.condition", config, outputs=[["true"], ["false"]])


SPECS: dict[str, Spec] = {f"{BASE}if": Spec(_if, None)}
