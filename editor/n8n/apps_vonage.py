"""n8n's Vonage node (version 1, sms / send) as WorkFuse's `app.vonage`: a text SMS from, to,
its message, and Vonage's optional parameters (n8n's Additional Fields, named as Vonage names
them) passed on."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec

OPTIONS = (
    "account-ref",
    "callback",
    "client-ref",
    "message-class",
    "protocol-id",
    "status-report-req",
    "ttl",
)


def _vonage(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "sms", {"sms": "send"})
    if (resource, op) != ("sms", "send"):
        raise unsupported("Vonage", resource, op, "it sends SMS")
    p = node.params
    config: dict[str, Any] = {
        "operation": "send_sms",
        "sender": required(cx, node, "from", "From"),
        "to": required(cx, node, "to", "To"),
        "message": text(cx, node, p.get("message", "")),
    }
    extra = dict(p.get("additionalFields") or {})
    options = {k: text(cx, node, extra[k]) for k in OPTIONS if extra.get(k) not in ("", None)}
    if options:
        config["options"] = options
    return Converted(
        "app.vonage", config, notes=[credential_note("Vonage", "an API key and secret")]
    )


def _spec(node: N8nNode, cx: Converter) -> Spec:
    return dataclasses.replace(SPECS[f"{BASE}vonage"], per_node=None, items="messages")


SPECS: dict[str, Spec] = {f"{BASE}vonage": Spec(_vonage, "", per_node=_spec)}
