"""n8n's Webhook node as a WorkFuse webhook trigger."""

from __future__ import annotations

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

WEB_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# n8n's "Respond" setting: at once, with the last node's output, or from a Respond to Webhook
# node (logic.respond, respond.py).
RESPONSES = {"onReceived": "immediate", "lastNode": "last_node", "responseNode": "respond_node"}


def _webhook(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    wanted = p.get("httpMethod") or "GET"
    methods = [str(m).upper() for m in (wanted if isinstance(wanted, list) else [wanted])]
    supported = [m for m in methods if m in WEB_METHODS]
    notes = []
    if not supported:
        raise Refusal(
            f"listens for {', '.join(methods)}; WorkFuse webhooks accept {', '.join(WEB_METHODS)}."
        )
    if len(supported) < len(methods):
        notes.append(
            f"n8n also accepted {', '.join(sorted(set(methods) - set(supported)))}; WorkFuse does not."
        )
    mode = p.get("responseMode") or "onReceived"
    if p.get("path"):
        notes.append(
            f"n8n path '{p['path']}': WorkFuse gives each workflow its own webhook URL; "
            "update the callers."
        )
    if (p.get("authentication") or "none") != "none":
        notes.append(
            f"n8n checked callers with {p['authentication']}; credentials are not carried over. "
            "Set auth (header or hmac) with a webhook secret credential."
        )
    config = {"methods": supported, "response": RESPONSES.get(mode, "immediate")}
    outputs = [["main"] for _ in methods]
    if len(methods) > 1:
        notes.append(
            "n8n had one output per method; here every request, whatever its method, runs all "
            "the nodes after the webhook."
        )
    return Converted("trigger.webhook", config, outputs=outputs, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}webhook": Spec(_webhook, "trigger")}
