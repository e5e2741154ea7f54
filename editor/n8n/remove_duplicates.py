"""n8n's Remove Duplicates node (v1, v2) as a WorkFuse dedupe over the items it receives.

Both keep the first of each group of equal items, in the input's order. "Remove items processed
in previous executions" keyed by a field of the item becomes dedupe's `workflow` scope, which
remembers kept items per workflow and node as n8n's default `node` scope does.
"""

from __future__ import annotations

import re
from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.data_input import (
    field_list,
    items_template,
    lookup_path,
    per_item,
    refuse_second_output,
)

_JSON_FIELD = re.compile(r"=\s*\{\{\s*\$json((?:\.[A-Za-z_$][\w$]*|\[\d+\])+)\s*\}\}\s*")


def dedupe(node: N8nNode, cx: Converter, params: dict[str, Any], legacy: bool) -> Converted:
    """Remove Duplicates' settings; `legacy` for Item Lists, whose field list is a collection."""
    options = params.get("options") or {}
    dotted = not options.get("disableDotNotation", False)
    operation = params.get("operation", "removeDuplicateInputItems")
    notes: list[str] = []
    config: dict[str, Any] = {"items": items_template(node, cx)}
    if operation == "removeItemsSeenInPreviousExecutions":
        return _seen_before(node, cx, params, config)
    if operation != "removeDuplicateInputItems":
        raise Refusal(f"runs the operation '{operation}', which WorkFuse's dedupe does not have.")
    compare = params.get("compare", "allFields")
    if compare == "allFieldsExcept":
        raise Refusal(
            "compares all fields except some; WorkFuse compares whole items or chosen fields. "
            "Choose 'Selected Fields' in n8n and export again."
        )
    if compare == "selectedFields":
        if legacy and isinstance(params.get("fieldsToCompare"), dict):
            rows = (params.get("fieldsToCompare") or {}).get("fields") or []
            names = [str(r.get("fieldName") or "").strip() for r in rows]
        else:
            names = field_list(params.get("fieldsToCompare", ""))
        names = [n for n in names if n]
        if not names:
            raise Refusal("compares selected fields but names none; n8n stops there too.")
        config["fields"] = [lookup_path(n, dotted) for n in names]
        if options.get("removeOtherFields"):
            notes.append(
                "n8n kept only the compared fields of each item; WorkFuse keeps the whole item."
            )
        notes.append(
            "n8n stops with an error when a compared field is missing from an item or changes "
            "type; WorkFuse compares a missing field as empty."
        )
    return Converted("utility.dedupe", config, notes=notes)


def _seen_before(
    node: N8nNode, cx: Converter, params: dict[str, Any], config: dict[str, Any]
) -> Converted:
    refuse_second_output(cx, node, "the items it removes")
    logic = params.get("logic", "removeItemsWithAlreadySeenKeyValues")
    if logic != "removeItemsWithAlreadySeenKeyValues":
        raise Refusal(
            f"removes items by '{logic}' (a value higher or later than any before), which "
            "WorkFuse's dedupe does not track; it remembers values seen."
        )
    value = params.get("dedupeValue")
    match = _JSON_FIELD.fullmatch(str(value or ""))
    if match is not None:
        key = match.group(1).lstrip(".").replace("[", ".").replace("]", "")
    elif isinstance(value, str) and value.startswith("=") and "{{" in value:
        # n8n keys each item by the expression's text (`String(value)`): a template over
        # `item` rendering to the same text.
        key = per_item(cx, node, value)
    else:
        raise Refusal(
            "dedupes on a fixed value (every item has the same key), not one read from the item; "
            "set Value to Dedupe On to an expression such as {{ $json.id }} in n8n and export "
            "again."
        )
    config.update(fields=[key], scope="workflow", ttl_days=3650)
    notes = [
        "n8n remembered values until its history size was reached; WorkFuse remembers them for "
        "ten years (ttl_days).",
        "Two items with the same new value both passed in n8n; WorkFuse keeps the first.",
    ]
    if (params.get("options") or {}).get("scope") == "workflow":
        notes.append(
            "n8n shared the remembered values between the workflow's dedupe nodes; WorkFuse "
            "remembers them per node."
        )
    return Converted("utility.dedupe", config, notes=notes)


def _remove_duplicates(node: N8nNode, cx: Converter) -> Converted:
    return dedupe(node, cx, node.params, legacy=False)


SPECS: dict[str, Spec] = {
    f"{BASE}removeDuplicates": Spec(_remove_duplicates, "items", items="items")
}
