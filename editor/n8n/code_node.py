"""n8n's Code node (JavaScript only) as a WorkFuse code action."""

from __future__ import annotations

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec


def _code(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if (p.get("language") or "javaScript") != "javaScript":
        raise Refusal(
            f"runs {p.get('language')} code; WorkFuse code nodes run JavaScript. Rewrite it in "
            "JavaScript in n8n and export again."
        )
    notes = [
        "Imported from n8n: n8n's $input, items, $json and $('Node') do not exist here. The "
        "code receives `input` (the output of the node before), `trigger` and `nodes`, and "
        "returns a value rather than a list of items."
    ]
    if p.get("mode") == "runOnceForEachItem":
        notes.append("n8n ran this once per item; WorkFuse runs it once per run.")
    return Converted("action.code", {"code": str(p.get("jsCode") or "return input;")}, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}code": Spec(_code, "result")}
