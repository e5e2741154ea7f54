"""n8n's Compare Datasets node (v1 to v2.3) as WorkFuse's `utility.compare`, which runs n8n's
rules (its version's, `n8n_version`) over the items of input A and input B. Its four n8n
outputs (in A only, same, different, in B only) are the node's four handles, each carrying its
list; an output with no items runs nothing after it, as in n8n."""

from __future__ import annotations

from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.data_input import field_list
from editor.nodes.utility_compare import HANDLES

RESOLVE = {
    "preferInput1": "prefer_a",
    "preferInput2": "prefer_b",
    "mix": "mix",
    "includeBoth": "include_both",
}
NEWEST = 2.3


def _compare(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    options = p.get("options") or {}
    version = min(max(node.version, 1.0), NEWEST)
    resolve = str(p.get("resolve") or ("includeBoth" if version >= 2.1 else "preferInput2"))
    if resolve not in RESOLVE:
        raise Refusal(f"resolves differences by '{resolve}', which n8n's node lacks.")
    fuzzy = p.get("fuzzyCompare") if version >= 2 else options.get("fuzzyCompare")
    config: dict[str, Any] = {
        "input_a": _input(node, cx, 0),
        "input_b": _input(node, cx, 1),
        "fields": _pairs(node, cx),
        "resolve": RESOLVE[resolve],
        "fuzzy": bool(fuzzy),
        "multiple_matches": "all" if options.get("multipleMatches") == "all" else "first",
        "dot_notation": not options.get("disableDotNotation"),
        "n8n_version": version,
    }
    if options.get("skipFields"):
        config["skip_fields"] = _names(options["skipFields"], "Fields to Skip Comparing")
    if resolve == "mix":
        config["prefer"] = "b" if p.get("preferWhenMix") == "input2" else "a"
        config["except_fields"] = _names(p.get("exceptWhenMix") or "", "For Everything Except")
    outputs = [[handle] for handle in HANDLES]
    return Converted("utility.compare", config, outputs=outputs)


def _names(value: Any, label: str) -> list[str]:
    """n8n's comma-separated field names; an expression there is refused (WorkFuse needs the
    names to split them)."""
    if isinstance(value, str) and value.startswith("="):
        raise Refusal(
            f"sets '{label}' with an expression; WorkFuse needs the field names written out. "
            "Write them in n8n and export again."
        )
    return field_list(value)


def _input(node: N8nNode, cx: Converter, index: int) -> str:
    """Input A's (0) or B's (1) items; a branch that did not run brings none, as in n8n."""
    return "{{ " + cx.input_list(node, index).jinja(guard=True) + " }}"


def _pairs(node: N8nNode, cx: Converter) -> list[dict[str, Any]]:
    rows = (node.params.get("mergeByFields") or {}).get("values") or []
    pairs = []
    for number, row in enumerate(rows, start=1):
        a, b = (cx.value(row.get(k) or "", node) for k in ("field1", "field2"))
        if a in ("", None) or b in ("", None):
            raise Refusal(
                f"leaves a field of pair {number} in 'Fields to Match' empty; n8n stops there "
                "too. Fill both fields in n8n and export again."
            )
        pairs.append({"a": a, "b": b})
    if not pairs:
        raise Refusal(
            "has no 'Fields to Match'; n8n stops there too. Add a pair in n8n and export again."
        )
    return pairs


SPECS: dict[str, Spec] = {
    f"{BASE}compareDatasets": Spec(_compare, "", items=HANDLES[0], output_items=HANDLES)
}
