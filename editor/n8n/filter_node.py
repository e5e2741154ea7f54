"""n8n's Filter node (version 1's typed lists, version 2's filter conditions) as a WorkFuse
filter over the items it receives, its conditions tested on each item."""

from __future__ import annotations

from typing import Any

from editor.n8n.comparisons import filter_rules
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.data_input import current_item, items_template, refuse_second_output
from editor.n8n.if_node import v1_rules


def _filter(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    refuse_second_output(cx, node, "the items it discards")
    conditions = p.get("conditions") or {}
    notes: list[str] = []
    with current_item(cx, node):
        if node.version >= 2:
            options = p.get("options") or {}
            if "ignoreCase" in options:
                # Filter's own option decides over the case setting stored in the conditions.
                conditions = {
                    **conditions,
                    "options": {
                        **(conditions.get("options") or {}),
                        "caseSensitive": not options["ignoreCase"],
                    },
                }
            rules, combinator = filter_rules(node, cx, conditions)
            if not _loose(node, conditions):
                notes.append(
                    "n8n stopped with an error when a value had the wrong type (strict type "
                    "validation); WorkFuse compares a number with numeric text as numbers."
                )
        else:
            rules = v1_rules(node, cx, conditions)
            combinator = "or" if p.get("combineConditions") == "OR" else "and"
    if not rules:
        raise Refusal("has no conditions; add one in n8n and export again.")
    config: dict[str, Any] = {
        "items": items_template(node, cx),
        "combinator": combinator,
        "rules": rules,
    }
    return Converted("utility.filter", config, notes=notes)


def _loose(node: N8nNode, conditions: dict[str, Any]) -> bool:
    """Whether n8n compared loosely: the node's `looseTypeValidation` (an option before 2.1, a
    parameter since) or the conditions' own `typeValidation`."""
    p = node.params
    if p.get("looseTypeValidation") or (p.get("options") or {}).get("looseTypeValidation"):
        return True
    return (conditions.get("options") or {}).get("typeValidation") == "loose"


SPECS: dict[str, Spec] = {f"{BASE}filter": Spec(_filter, "items", items="items")}
