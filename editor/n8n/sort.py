"""n8n's Sort node as a WorkFuse sort over the items it receives.

n8n compares text case-insensitively (it lowercases both sides), so each key is a template
that lowercases text and leaves other values as they are. A random order becomes a sort by a
random number per item; a sort by code has no WorkFuse form.
"""

from __future__ import annotations

from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.data_input import getter, items_template

RANDOM_KEY = "{{ range(100000) | random }}"


def sort(node: N8nNode, cx: Converter, params: dict[str, Any]) -> Converted:
    """Sort's settings (shared with Item Lists, which names them the same)."""
    kind = params.get("type", "simple")
    dotted = not (params.get("options") or {}).get("disableDotNotation", False)
    notes: list[str] = []
    if kind == "random":
        by = [{"field": RANDOM_KEY, "order": "asc"}]
        notes.append("Shuffled by a random number per item, as n8n's random order.")
    elif kind == "code":
        raise Refusal(
            "sorts by JavaScript code, which WorkFuse's sort cannot run. Sort by fields in n8n, "
            "or sort in a Code node, and export again."
        )
    else:
        fields = ((params.get("sortFieldsUi") or {}).get("sortField")) or []
        if not fields:
            raise Refusal("names no field to sort by; n8n stops there too. Add one in n8n.")
        by = []
        for entry in fields:
            name = entry.get("fieldName") or ""
            if not isinstance(name, str) or not name or name.startswith("="):
                raise Refusal("sorts by a field named by an expression or by nothing.")
            _, value = getter("item", name, dotted)
            field = "{{ " + value + " | lower if " + value + " is string else " + value + " }}"
            order = "desc" if entry.get("order") == "descending" else "asc"
            by.append({"field": field, "order": order})
        notes.append(
            "Items missing a sort field come last in WorkFuse; n8n stops with an error when no "
            "item has the field and otherwise places them unpredictably."
        )
    config = {"items": items_template(node, cx), "by": by}
    return Converted("utility.sort", config, notes=notes)


def _sort(node: N8nNode, cx: Converter) -> Converted:
    return sort(node, cx, node.params)


SPECS: dict[str, Spec] = {f"{BASE}sort": Spec(_sort, "items", items="items")}
