"""n8n's Switch node (version 3 and later, rules mode) as a WorkFuse switch."""

from __future__ import annotations

from editor.n8n.comparisons import filter_rules
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.names import MAX_HANDLE, slug, unique


def _switch(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if node.version < 3:
        raise Refusal(
            f"is Switch version {node.version:g}; WorkFuse reads version 3 and later. Replace "
            "it with a new Switch node in n8n and export again."
        )
    if p.get("mode") == "expression":
        raise Refusal(
            "routes by an expression; WorkFuse switches route by rules. Switch it to Rules "
            "mode in n8n and export again."
        )
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


SPECS: dict[str, Spec] = {f"{BASE}switch": Spec(_switch, None)}
