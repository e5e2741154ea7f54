"""n8n's Manual Trigger (and the older Start node) as a WorkFuse manual trigger."""

from __future__ import annotations

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec


def _manual(node: N8nNode, cx: Converter) -> Converted:
    return Converted("trigger.manual", {})


SPECS: dict[str, Spec] = {
    f"{BASE}manualTrigger": Spec(_manual, "trigger"),
    f"{BASE}start": Spec(_manual, "trigger"),
}
