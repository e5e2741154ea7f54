"""n8n's Pushcut node (version 1, notification / send) as WorkFuse's `app.pushcut`: the
notification named, its text, title and input overridden, the devices chosen."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, listed, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

FIELDS = {"text": "text", "title": "title", "input": "action_input"}


def _pushcut(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "notification", {"notification": "send"})
    if (resource, op) != ("notification", "send"):
        raise unsupported("Pushcut", resource, op, "it sends notifications")
    config: dict[str, Any] = {
        "operation": "send_notification",
        "notification": required(cx, node, "notificationName", "Notification"),
    }
    extra = dict(node.params.get("additionalFields") or {})
    for name, field in FIELDS.items():
        if extra.get(name) not in ("", None):
            config[field] = text(cx, node, extra.pop(name))
    devices = extra.pop("devices", None)
    if devices:
        config["devices"] = (
            [text(cx, node, d) for d in devices]
            if isinstance(devices, list)
            else listed(cx, node, devices)
        )
    others = sorted(k for k, v in extra.items() if v not in ("", None, [], {}))
    if others:
        raise Refusal(f"sets {', '.join(others)}, which n8n's Pushcut node does not send.")
    return Converted("app.pushcut", config, notes=[credential_note("Pushcut", "an API key")])


SPECS: dict[str, Spec] = {f"{BASE}pushcut": Spec(_pushcut, "")}
