"""n8n's Aggregate and Summarize nodes as a WorkFuse aggregate over the items they receive."""

from __future__ import annotations

import json
import re
from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.data_input import (
    field_list,
    items_template,
    lookup_path,
    path_parts,
)
from editor.n8n.expressions import quote

# Summarize's aggregations: (WorkFuse op, the prefix n8n gives the result's name).
SUMMARIES = {
    "append": ("list", "appended_"),
    "average": ("avg", "average_"),
    "concatenate": ("concat", "concatenated_"),
    "count": ("count", "count_"),
    "max": ("max", "max_"),
    "min": ("min", "min_"),
    "sum": ("sum", "sum_"),
}


def aggregate(node: N8nNode, cx: Converter, params: dict[str, Any]) -> Converted:
    """Aggregate's settings (shared with Item Lists' aggregate operation)."""
    options = params.get("options") or {}
    # --- files ---
    converted = _aggregated(node, cx, params, options)
    if options.get("includeBinaries"):
        converted.spec["binary_first"] = True
        converted.notes.append(INCLUDE_BINARIES_NOTE)
    return converted


INCLUDE_BINARIES_NOTE = (
    "Later nodes read the files of the first item aggregated (n8n's Include Binaries keeps each "
    "binary property's first file under its name); the other items' files, which n8n renamed "
    "'data_1', 'data_2'..., are not followed, and when the node making the first item's file "
    "did not run, the reader fails where n8n took the next item's file."
)


def _aggregated(
    node: N8nNode, cx: Converter, params: dict[str, Any], options: dict[str, Any]
) -> Converted:
    # --- end files ---
    config: dict[str, Any] = {"items": items_template(node, cx)}
    if params.get("aggregate", "aggregateIndividualFields") == "aggregateAllItemData":
        name = str(params.get("destinationFieldName") or "data")
        config["operations"] = [{"field": "", "op": "list", "as": name}]
        # --- struct2 ---
        if params.get("include", "allFields") != "allFields":
            picked_items(params, "[]")  # its refusals, now
            return Converted(
                "utility.aggregate",
                config,
                items_from=lambda items: picked_items(params, items) or items,
            )
        # --- end struct2 ---
        return Converted("utility.aggregate", config)
    if options.get("keepMissing"):
        raise Refusal(
            "keeps missing and empty values; WorkFuse's aggregate leaves them out. Turn off "
            "'Keep Missing And Null Values' in n8n and export again."
        )
    dotted = not options.get("disableDotNotation", False)
    rows = (params.get("fieldsToAggregate") or {}).get("fieldToAggregate") or []
    merge = bool(options.get("mergeLists"))
    operations, names = [], []
    for row in rows:
        field = str(row.get("fieldToAggregate") or "")
        if not field:
            continue
        renamed = row.get("outputFieldName") if row.get("renameField") else None
        name = str(renamed or (path_parts(field)[-1] if dotted else field))
        if name in names:
            raise Refusal(f"uses the output field '{name}' twice; n8n stops there too.")
        if dotted and "." in name:
            raise Refusal(f"writes to the nested output field '{name}'; use a plain name.")
        names.append(name)
        op = "concat" if merge else "list"
        operations.append({"field": lookup_path(field, dotted), "op": op, "as": name})
    if not operations:
        raise Refusal("names no field to aggregate; n8n stops there too. Add one in n8n.")
    config["operations"] = operations
    notes = []
    if merge:
        notes.append(
            "Lists are merged into one; where some values are not lists WorkFuse joins them as "
            "text, and n8n added them as they were."
        )
    return Converted("utility.aggregate", config, notes=notes)


# --- struct2 ---
def picked_items(params: dict[str, Any], items: str) -> str | None:
    """'All Item Data' keeping only some fields: the Jinja expression of the input items (the
    expression `items`) as n8n makes them, each item's top-level fields named in Fields To
    Include (or all but those of Fields To Exclude), in the item's order, and the items left
    with no field dropped. None when it keeps all fields."""
    include = params.get("include", "allFields")
    if include == "allFields":
        return None
    setting = "fieldsToInclude" if include == "specifiedFields" else "fieldsToExclude"
    raw = params.get(setting, "")
    if isinstance(raw, str) and raw.startswith("=") and "{{" in raw:
        raise Refusal(
            f"names the fields to keep with an expression ({setting}: {raw[1:80]}); name them "
            "in n8n and export again."
        )
    names = field_list(raw.removeprefix("=") if isinstance(raw, str) else raw)
    if not names:
        raise Refusal(f"keeps only some fields but names none ({setting}); name them in n8n.")
    test = "" if include == "specifiedFields" else "!"
    source = (
        f"$input.all().map((i) => i.json).map((o) => Object.fromEntries(Object.keys(o)"
        f".filter((k) => {test}{json.dumps(names)}.includes(k)).map((k) => [k, o[k]])))"
        ".filter((o) => Object.keys(o).length > 0)"
    )
    return f"n8n({quote(source)}, items={items})"


# --- end struct2 ---
def _aggregate(node: N8nNode, cx: Converter) -> Converted:
    return aggregate(node, cx, node.params)


def summarize(node: N8nNode, cx: Converter, params: dict[str, Any]) -> Converted:
    """Summarize's settings: each aggregation named as n8n names it, per group of
    `fieldsToSplitBy`."""
    options = params.get("options") or {}
    dotted = not options.get("disableDotNotation", False)
    operations, notes = [], []
    for row in (params.get("fieldsToSummarize") or {}).get("values") or []:
        field = str(row.get("field") or "")
        kind = row.get("aggregation", "count")
        if not field:
            continue
        if kind not in SUMMARIES:
            raise Refusal(
                f"summarises by '{kind}', which WorkFuse's aggregate does not have (it has "
                "count, sum, min, max, average, list and concatenate)."
            )
        op, prefix = SUMMARIES[kind]
        operation: dict[str, Any] = {
            "field": lookup_path(field, dotted),
            "op": op,
            "as": _normal_name(prefix + field),
        }
        if op == "concat":
            separator = row.get("separateBy", ",")
            operation["separator"] = str(
                row.get("customSeparator", "") if separator == "other" else separator
            )
        operations.append(operation)
        if op in ("list", "count", "concat"):
            notes.append(
                f"{kind} of '{field}': n8n left out empty text too (unless Include Empty "
                "Values); WorkFuse leaves out only missing and null values."
            )
        elif op in ("sum", "avg"):
            notes.append(
                f"{kind} of '{field}': n8n skipped values that are not numbers; WorkFuse reads "
                "numeric text as a number and stops on other text."
            )
    if not operations:
        raise Refusal("has no aggregation with a field; n8n stops there too. Add one in n8n.")
    config: dict[str, Any] = {"items": items_template(node, cx), "operations": operations}
    groups = field_list(params.get("fieldsToSplitBy", ""))
    if groups:
        if options.get("outputFormat") == "singleItem":
            raise Refusal(
                "writes all groups into one item keyed by their values; WorkFuse writes one "
                "entry per group. Choose 'Each Split in a Separate Item' in n8n."
            )
        config["group_by"] = [lookup_path(g, dotted) for g in groups]
        if node.version < 2:
            notes.append("Summarize 1 turned the group values into text; WorkFuse keeps them.")
        # One n8n item per group: the groups are this node's items.
        return Converted("utility.aggregate", config, notes=notes, spec={"items": "groups"})
    return Converted("utility.aggregate", config, notes=notes)


def _normal_name(name: str) -> str:
    """n8n's `normalizeFieldName`: brackets and quotes dropped, spaces and dots to `_`."""
    return re.sub(r"[ .]", "_", re.sub(r'[\]\["]', "", name))


def _summarize(node: N8nNode, cx: Converter) -> Converted:
    return summarize(node, cx, node.params)


SPECS: dict[str, Spec] = {
    f"{BASE}aggregate": Spec(_aggregate, ""),
    f"{BASE}summarize": Spec(_summarize, ""),
}
