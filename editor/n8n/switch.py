"""n8n's Switch node as a WorkFuse switch: version 3's rules (n8n's filter conditions),
versions 1 and 2's rules (one value compared with each rule's, by data type), and every
version's expression mode (the expression gives the output's number)."""

from __future__ import annotations

from typing import Any

from editor.n8n.comparisons import comparison, filter_rules
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.expressions import single
from editor.n8n.if_node import V1_DEFAULT_OP, V1_DEFAULT_VALUE
from editor.n8n.names import MAX_HANDLE, slug, unique

V1_OUTPUTS = 4  # version 1 always has four outputs, 0 to 3
V1_DEFAULT_VALUE2: dict[str, Any] = {**V1_DEFAULT_VALUE, "dateTime": 0}


def _switch(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if p.get("mode") == "expression":
        return _by_expression(node, cx)
    if node.version < 3:
        return _old_rules(node, cx)
    values = (p.get("rules") or {}).get("values") or []
    if not values:
        raise Refusal("has no routing rules; add one in n8n and export again.")
    options = p.get("options") or {}
    taken: set[str] = set()
    cases, outputs = [], []
    for i, value in enumerate(values):
        key = value.get("outputKey") if value.get("renameOutput", True) else None
        handle = unique(
            slug(str(key), MAX_HANDLE, "case") if key else f"case_{i}", taken, MAX_HANDLE
        )
        taken.add(handle)
        rules, combinator = filter_rules(node, cx, value.get("conditions") or {})
        if not rules:
            raise Refusal(
                f"has routing rule {i + 1} without conditions; add one in n8n and export again."
            )
        cases.append({"handle": handle, "combinator": combinator, "rules": rules})
        outputs.append([handle])
    renamed = options.get("renameFallbackOutput")
    default = unique(
        slug(str(renamed), MAX_HANDLE, "case") if renamed else "default", taken, MAX_HANDLE
    )
    fallback = options.get("fallbackOutput", "none")
    if isinstance(fallback, str) and fallback.isdigit():
        fallback = int(fallback)
    if fallback in ("extra", "last"):
        outputs.append([default])
    elif isinstance(fallback, int) and 0 <= fallback < len(outputs):
        outputs[fallback].append(default)
    notes = []
    if options.get("allMatchingOutputs"):
        notes.append(
            "n8n sent items to every matching output; WorkFuse takes the first matching case."
        )
    config = {"cases": cases, "default_handle": default}
    return Converted("logic.switch", config, outputs=outputs, notes=notes)


def _old_rules(node: N8nNode, cx: Converter) -> Converted:
    """Versions 1 and 2: `value1` compared with each rule's `value2` as `dataType`; the first
    rule that matches sends the item to its output (version 1: the rule's `output`, 0 to 3;
    version 2: one output per rule), else `fallbackOutput` (-1: none)."""
    p = node.params
    kind = str(p.get("dataType") or "number")
    if kind not in V1_DEFAULT_OP:
        raise Refusal(f"compares values of type '{kind}', which WorkFuse does not know.")
    rows = (p.get("rules") or {}).get("rules") or []
    if not rows:
        raise Refusal("has no routing rules; add one in n8n and export again.")
    value1 = p.get("value1", V1_DEFAULT_VALUE[kind])
    count = V1_OUTPUTS if node.version < 2 else len(rows)
    outputs: list[list[str]] = [[] for _ in range(count)]
    taken: set[str] = set()
    cases = []
    for i, row in enumerate(rows):
        output = int(row.get("output", 0)) if node.version < 2 else i
        if not 0 <= output < count:
            raise Refusal(f"sends rule {i + 1} to output {output}, which it does not have.")
        key = row.get("outputKey") if node.version >= 2 else None
        handle = unique(
            slug(str(key), MAX_HANDLE, "case") if key else f"case_{i}", taken, MAX_HANDLE
        )
        taken.add(handle)
        rule = comparison(
            node,
            cx,
            kind,
            _operation(row.get("operation") or V1_DEFAULT_OP[kind]),
            value1,
            row.get("value2", V1_DEFAULT_VALUE2[kind]),
        )
        cases.append({"handle": handle, "combinator": "and", "rules": [rule]})
        outputs[output].append(handle)
    default = unique("default", taken, MAX_HANDLE)
    fallback = p.get("fallbackOutput", -1)
    if isinstance(fallback, str) and fallback.lstrip("-").isdigit():
        fallback = int(fallback)
    if isinstance(fallback, int) and 0 <= fallback < count:
        outputs[fallback].append(default)
    config = {"cases": cases, "default_handle": default}
    return Converted("logic.switch", config, outputs=outputs)


def _by_expression(node: N8nNode, cx: Converter) -> Converted:
    """The expression gives the number of the output (n8n fails the item when it is out of
    range; here it leaves by the unconnected default)."""
    p = node.params
    count = p.get("numberOutputs" if node.version >= 3 else "outputsAmount", V1_OUTPUTS)
    if node.version < 2:
        count = V1_OUTPUTS
    if not isinstance(count, int) or not 1 <= count <= 64:
        raise Refusal(f"has {count!r} outputs; WorkFuse switches take 1 to 64.")
    raw = p.get("output", 0)
    value = cx.value(raw, node)
    expression = single(value)
    if isinstance(value, int | float):
        left: Any = value
    elif expression is not None:
        left = "{{ (" + expression + ") | int(-1) }}"
    else:
        raise Refusal(f"picks its output with '{raw}', which is not a number or an expression.")
    cases = [
        {
            "handle": f"output_{i}",
            "combinator": "and",
            "rules": [{"left": left, "operator": "eq", "right": i}],
        }
        for i in range(count)
    ]
    outputs = [[f"output_{i}"] for i in range(count)]
    return Converted("logic.switch", {"cases": cases, "default_handle": "default"}, outputs=outputs)


# --- ops ---
def _operation(value: Any) -> str:
    """A rule's operation; one marked as an expression without `{{ }}` (`=equal`) is the text
    after the `=`, which is what n8n evaluates it to."""
    text = str(value)
    if text.startswith("=") and "{{" not in text:
        return text[1:]
    if text.startswith("="):
        raise Refusal(
            f"chooses a rule's comparison with an expression ({text}); WorkFuse's comparisons "
            "are fixed. Choose the comparison in n8n and export again."
        )
    return text


# --- end ops ---


SPECS: dict[str, Spec] = {f"{BASE}switch": Spec(_switch, None)}
