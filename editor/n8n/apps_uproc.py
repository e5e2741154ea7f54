"""n8n's uProc node (version 1) as WorkFuse's `app.uproc`: the chosen tool (`tool`, n8n's
camelCase name) and the tool's parameters (every other setting but `group` and
`additionalOptions`), the data webhook as `data_webhook`."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, text
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

NOT_PARAMS = {"group", "tool", "additionalOptions"}


def _uproc(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    tool = str(p.get("tool") or "")
    if not tool:
        raise Refusal(
            "names no tool (n8n's default is the first tool of the group, which the export "
            "leaves out); choose the tool in n8n and export again."
        )
    params = {k: text(cx, node, v) for k, v in p.items() if k not in NOT_PARAMS}
    config: dict[str, Any] = {"operation": "run_tool", "tool": tool, "params": params}
    webhook = dict(p.get("additionalOptions") or {}).get("dataWebhook")
    if webhook not in ("", None):
        config["data_webhook"] = text(cx, node, webhook)
    notes = [
        credential_note("uProc", "the account's email and API key"),
        "n8n sent every parameter of the tool, empty when not set; WorkFuse sends the ones set.",
    ]
    return Converted("app.uproc", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}uproc": Spec(_uproc, "")}
