"""n8n's No Operation node as a WorkFuse transform that outputs the item it gets.

n8n's No-op hands its input items on. Its output here is that item (what `$json` meant in it:
after an IF, the IF's input, not the IF's verdict), and the nodes after it look through it to
the same item, as they look through IF, Switch and Wait.
"""

from __future__ import annotations

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec


def _noop(node: N8nNode, cx: Converter) -> Converted:
    config = {"language": "jmespath", "expression": "@"}
    ref = cx.input_ref(node)
    if ref is not None:
        config["input"] = "{{ " + ref[0] + " }}"
    return Converted("utility.transform", config)


SPECS: dict[str, Spec] = {f"{BASE}noOp": Spec(_noop, None)}
