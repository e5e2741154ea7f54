"""n8n's Code node (JavaScript) and the legacy Function / Function Item nodes as WorkFuse code
actions run with n8n's names (action.code's `n8n` settings, docs/n8n-import.md "Code nodes").

The code keeps its text and sees `$input`, `$json`, `items`, `$('Node')`, `$now`... over the
data the importer names; its output's `result` is the list of the items' json it returns.
"""

from __future__ import annotations

from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from editor.n8n.expressions import code_context, scope_of

CAVEATS = (
    "Runs with n8n's $input, $json, items, $('Node') and $now; the output's `result` is the "
    "list of the returned items' json, and binary data and $jmespath are not available."
)


def _code(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    language = p.get("language") or "javaScript"
    if language != "javaScript":
        raise Refusal(
            f"runs {language} code; WorkFuse code nodes run JavaScript. Rewrite it in "
            "JavaScript in n8n and export again."
        )
    mode = "each" if p.get("mode") == "runOnceForEachItem" else "all"
    fallback = "return $input.item;" if mode == "each" else "return $input.all();"
    return _converted(node, cx, p.get("jsCode"), mode, fallback)


def _function(node: N8nNode, cx: Converter) -> Converted:
    return _converted(node, cx, node.params.get("functionCode"), "all", "return items;")


def _function_item(node: N8nNode, cx: Converter) -> Converted:
    code = node.params.get("functionCode")
    return _converted(node, cx, code, "functionItem", "return item;")


def _converted(node: N8nNode, cx: Converter, code: Any, mode: str, fallback: str) -> Converted:
    notes = [CAVEATS]
    if not isinstance(code, str) or not code.strip():
        # n8n leaves its sample code out of exports; it only adds a demo field.
        code = fallback
        notes.append("The n8n node had no code of its own; it passes its items on unchanged.")
    scope = scope_of(cx, node)
    if mode == "all":  # runs once with every item n8n hands it (the item flow's list)
        items: str | None = cx.input_items(node)
    else:  # runs once per item: the item flow runs it in a loop where it gets one
        ref = scope.resolve(None)
        items = "{{ [" + ref[0] + "] }}" if ref is not None else None
    n8n = {"mode": mode, **code_context(code, scope, items)}
    return Converted("action.code", {"code": code, "n8n": n8n}, notes=notes)


SPECS: dict[str, Spec] = {
    f"{BASE}{name}": Spec(convert, "result[0]", items="result")
    for name, convert in (
        ("code", _code),
        ("function", _function),
        ("functionItem", _function_item),
    )
}
