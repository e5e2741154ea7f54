"""n8n's Zulip node (version 1) as WorkFuse's `app.zulip`, for its message resource: sent to a
stream's topic or privately, got, deleted, its content updated."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

SUPPORTED = "it sends, gets, updates the content of and deletes messages"
OPS = {
    "sendStream": "send_stream",
    "sendPrivate": "send_private",
    "get": "get_message",
    "update": "update_message",
    "delete": "delete_message",
}


def _zulip(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "message", {"message": "sendPrivate"})
    if resource != "message" or op not in OPS:
        raise unsupported("Zulip", resource, op, SUPPORTED)
    p = node.params
    config: dict[str, Any] = {"operation": OPS[op]}
    if op == "sendStream":
        config["stream"] = required(cx, node, "stream", "Stream")
        config["topic"] = required(cx, node, "topic", "Topic")
    if op == "sendPrivate":
        to = p.get("to") or []
        if not to:
            raise Refusal("names no recipient (To); choose one in n8n and export again.")
        config["to"] = [text(cx, node, t) for t in (to if isinstance(to, list) else [to])]
    if op in ("sendStream", "sendPrivate"):
        config["content"] = required(cx, node, "content", "Content")
    if op in ("get", "update", "delete"):
        config["message_id"] = required(cx, node, "messageId", "Message ID")
    if op == "update":
        fields = dict(p.get("updateFields") or {})
        other = sorted(set(fields) - {"content"})
        if other:
            raise Refusal(
                f"updates {', '.join(other)}; WorkFuse's Zulip node updates the content only."
            )
        if fields.get("content"):
            config["content"] = text(cx, node, fields["content"])
    return Converted("app.zulip", config, notes=[credential_note("Zulip", "an email and API key")])


SPECS: dict[str, Spec] = {f"{BASE}zulip": Spec(_zulip, "")}
