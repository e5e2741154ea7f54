"""n8n's legacy Item Lists node: each operation as a WorkFuse template transform whose result
is the list of items n8n would emit (one spec per n8n type, so one output shape for all of
its operations: `result`, a list).

Split out, limit, sort and aggregate have exact template forms; remove duplicates is the
Remove Duplicates node's dedupe (its spec: `items`); summarize is refused with the node to use
instead.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from editor.n8n.aggregate import picked_items
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.data_input import input_items, lookup_path, path_parts
from editor.n8n.remove_duplicates import dedupe
from editor.n8n.split_out import split


def _item_lists(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    operation = p.get("operation", "splitOutItems")
    if operation == "removeDuplicates":
        return dedupe(node, cx, {**p, "operation": "removeDuplicateInputItems"}, legacy=True)
    items = input_items(node, cx)
    notes: list[str] = []
    if operation == "splitOutItems":
        params = dict(p)
        keep = p.get("fieldsToInclude")
        if isinstance(keep, dict):  # version 1 and 2: a collection of {fieldName}
            rows = keep.get("fields") or []
            params["fieldsToInclude"] = ",".join(str(r.get("fieldName") or "") for r in rows)
        template, notes = split(node, cx, params, items)
    elif operation == "limit":
        template = _limit(p, items)
    elif operation == "sort":
        template = _sort(p, items)
        notes.append(
            "An item without a sort field stops WorkFuse with an error; n8n sorted it among "
            "the others."
        )
    elif operation in ("aggregateItems", "concatenateItems"):
        template = _aggregate(p, items)
    else:
        instead = {"summarize": "Summarize"}
        raise Refusal(
            f"runs Item Lists' '{operation}' operation; replace it with n8n's "
            f"{instead.get(operation, 'matching')} node, which WorkFuse imports, and export again."
        )
    config = {"language": "template", "expression": template}
    return Converted("utility.transform", config, notes=notes)


def _limit(p: dict[str, Any], items: str) -> str:
    try:
        most = max(int(p.get("maxItems", 1)), 0)
    except (TypeError, ValueError):
        raise Refusal(f"keeps '{p.get('maxItems')}' items, which is not a number.") from None
    if p.get("keep") == "lastItems":
        return "{{ (" + items + ")[-" + str(most) + ":] if " + str(most) + " else [] }}"
    return "{{ (" + items + ")[:" + str(most) + "] }}"


def _sort(p: dict[str, Any], items: str) -> str:
    if p.get("type", "simple") != "simple":
        raise Refusal("sorts at random or by code; use n8n's Sort node, which WorkFuse imports.")
    fields = ((p.get("sortFieldsUi") or {}).get("sortField")) or []
    names = [str(f.get("fieldName") or "") for f in fields]
    orders = {f.get("order", "ascending") for f in fields}
    if not names or "" in names or len(orders) > 1:
        raise Refusal(
            "sorts by no field, or by several fields in different directions; use n8n's Sort "
            "node, which WorkFuse imports."
        )
    dotted = not (p.get("options") or {}).get("disableDotNotation", False)
    attribute = ",".join(lookup_path(n, dotted) for n in names)
    reverse = "true" if orders == {"descending"} else "false"
    # Jinja's sort, like n8n's, compares text without regard to case and keeps ties in order.
    return "{{ " + items + f" | sort(attribute={json.dumps(attribute)}, reverse={reverse}) }}}}"


def _aggregate(p: dict[str, Any], items: str) -> str:
    if p.get("aggregate", "aggregateIndividualFields") == "aggregateAllItemData":
        items = picked_items(p, items) or items  # struct2
        name = json.dumps(str(p.get("destinationFieldName") or "data"))
        return "{{ [{" + name + ": " + items + "}] }}"
    options = p.get("options") or {}
    if options.get("keepMissing") or options.get("mergeLists"):
        raise Refusal("merges lists or keeps missing values; use n8n's Aggregate node instead.")
    dotted = not options.get("disableDotNotation", False)
    members = []
    for row in (p.get("fieldsToAggregate") or {}).get("fieldToAggregate") or []:
        field = str(row.get("fieldToAggregate") or "")
        if not field:
            continue
        renamed = row.get("outputFieldName") if row.get("renameField") else None
        name = str(renamed or (path_parts(field)[-1] if dotted else field))
        path = json.dumps(lookup_path(field, dotted))
        members.append(
            json.dumps(name) + f": {items} | selectattr({path}, 'defined') | map(attribute={path}) "
            "| reject('none') | list"
        )
    if not members:
        raise Refusal("names no field to aggregate; n8n stops there too. Add one in n8n.")
    return "{{ [{" + ", ".join(members) + "}] }}"


def _spec(node: N8nNode, cx: Converter) -> Spec:
    spec = dataclasses.replace(SPECS[f"{BASE}itemLists"], per_node=None)
    if node.params.get("operation") == "removeDuplicates":  # a dedupe: {items, dropped}
        return dataclasses.replace(spec, data="items", items="items")
    return spec


SPECS: dict[str, Spec] = {
    f"{BASE}itemLists": Spec(_item_lists, "result", items="result", per_node=_spec)
}
