"""n8n's Execution Data node (`executionData`, version 1) as a `utility.set` step whose output
is the key/values n8n saved with the execution, while its items pass on unchanged.

ExecutionData `execute`: `setMetadata` of `dataToSave.values` (each key and value as text) as
the execution's custom data, which n8n's executions list filters by; it returns its input
items. WorkFuse's runs are not searchable by such data: the values are this step's output, in
the run's view, and the nodes after it read what came into it (its Spec's `data` is None, as
for No-op)."""

from __future__ import annotations

from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

NOTE = (
    "n8n saved these values with the execution for filtering its executions list; WorkFuse "
    "shows them as this step's output (runs are not searched by them) and hands the item on."
)


def _execution_data(node: N8nNode, cx: Converter) -> Converted:
    values = (node.params.get("dataToSave") or {}).get("values") or []
    fields: list[dict[str, Any]] = []
    for entry in values:
        if not isinstance(entry, dict):
            continue
        key = entry.get("key")
        if not isinstance(key, str) or key.startswith("="):
            raise Refusal(
                f"names a saved key with an expression ({key}); WorkFuse shows fixed keys. Set "
                "the key in n8n, then export again."
            )
        if not key or "." in key:
            raise Refusal(f"saves the key '{key}'; use a name without dots in n8n.")
        fields.append(
            {"name": key, "value": cx.value(entry.get("value", ""), node), "type": "string"}
        )
    config = {"fields": fields, "keep": "none"}
    return Converted("utility.set", config, notes=[NOTE])


SPECS: dict[str, Spec] = {f"{BASE}executionData": Spec(_execution_data, None)}
