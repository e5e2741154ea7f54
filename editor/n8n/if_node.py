"""n8n's IF node (version 1's typed lists and version 2's filter) as a WorkFuse condition."""

from __future__ import annotations

from typing import Any

from editor.n8n.comparisons import comparison, filter_rules
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec

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
    # --- quality ---
    notes: list[str] = []
    if not rules:  # n8n decides without a condition: every item goes one way
        passes, why = _without_conditions(node, conditions, combinator)
        rules = [{"left": True, "operator": "eq", "right": passes}]
        combinator = "and"
        notes.append(why)
    config = {"combinator": combinator, "rules": rules}
    return Converted("logic.condition", config, outputs=[["true"], ["false"]], notes=notes)


def _without_conditions(node: N8nNode, conditions: Any, combinator: str) -> tuple[bool, str]:
    """Where n8n's IF sends every item when it tests nothing: IF 1 and IF 2's filter join no
    results with "all"/"and" (true) or "any"/"or" (false); IF 2 reads settings that are not a
    filter (IF 1's format) as they are, a truthy object, so true."""
    not_a_filter = not (isinstance(conditions, dict) and "conditions" in conditions)
    if node.version >= 2 and not_a_filter and conditions:
        return True, (
            "Its conditions were written in IF 1's format, which n8n's IF 2 does not read: "
            "n8n sent every item to 'true', and so does this node. Rewrite the conditions "
            "here to test something."
        )
    passes = combinator == "and"
    branch, join = ("true", "all") if passes else ("false", "any")
    return passes, (
        f"It had no conditions, so n8n sent every item to '{branch}' ({join} of none hold); "
        "so does this node. Add rules here to test something."
    )


# --- end quality ---


SPECS: dict[str, Spec] = {f"{BASE}if": Spec(_if, None)}
