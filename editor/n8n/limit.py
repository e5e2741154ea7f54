"""n8n's Limit node as a WorkFuse limit over the items it receives."""

from __future__ import annotations

from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.data_input import items_template


def limit(node: N8nNode, cx: Converter, params: dict[str, Any]) -> Converted:
    """Limit's settings (shared with Item Lists, which names them the same)."""
    raw = params.get("maxItems", 1)
    if isinstance(raw, str) and raw.startswith("="):
        raise Refusal("sets the number of items with an expression; give a number in n8n.")
    try:
        most = int(raw)
    except (TypeError, ValueError):
        raise Refusal(f"keeps '{raw}' items, which is not a number.") from None
    config = {
        "items": items_template(node, cx),
        "max": max(most, 0),
        "from": "end" if params.get("keep") == "lastItems" else "start",
    }
    return Converted("utility.limit", config)


def _limit(node: N8nNode, cx: Converter) -> Converted:
    return limit(node, cx, node.params)


SPECS: dict[str, Spec] = {f"{BASE}limit": Spec(_limit, "items", items="items")}
