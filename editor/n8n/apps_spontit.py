"""n8n's Spontit node (version 1, push / create) as WorkFuse's `app.spontit`: the content and
every additional field n8n sends, its comma-separated recipients as lists, its schedule and
expiration times read in the workflow's time zone as n8n reads them."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, listed, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from integrations.spontit import node as spontit

# n8n's additional field -> app.spontit's config field: the push's own names, which n8n uses.
TEXTS = {wire: field for field, wire in spontit.TEXTS.items()}
FLAGS = {wire: field for field, wire in spontit.FLAGS.items()}
LISTS = {wire: field for field, wire in spontit.LISTS.items()}
TIMES = {"schedule": "schedule", "expirationStamp": "expiration"}
NOTE_ZONE = (
    "n8n read Schedule and Expiration Stamp in the n8n instance's time zone, which the export "
    "does not say; WorkFuse reads times without an offset in time_zone (UTC): set it if they differ."
)


def _spontit(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "push", {"push": "create"})
    if (resource, op) != ("push", "create"):
        raise unsupported("Spontit", resource, op, "it creates pushes")
    config: dict[str, Any] = {
        "operation": "push",
        "content": required(cx, node, "content", "Content"),
    }
    notes = [credential_note("Spontit", "an API key and username")]
    extra = dict(node.params.get("additionalFields") or {})
    for name, field in TEXTS.items():
        if extra.get(name) not in ("", None):
            config[field] = text(cx, node, extra.pop(name))
    for name, field in FLAGS.items():
        flag = extra.pop(name, False)
        if not isinstance(flag, bool):
            raise Refusal(
                f"sets {name} with an expression; WorkFuse's Spontit node takes it on or off: "
                "choose one in n8n and export again."
            )
        if flag:
            config[field] = True
    for name, field in LISTS.items():
        if extra.get(name) not in ("", None):
            config[field] = listed(cx, node, extra.pop(name))
    times = {field: extra.pop(name) for name, field in TIMES.items() if extra.get(name)}
    for field, value in times.items():
        config[field] = text(cx, node, value)
    if times:
        settings = cx.data.get("settings") if isinstance(cx.data.get("settings"), dict) else {}
        zone = str((settings or {}).get("timezone") or "")
        if zone and zone != "DEFAULT":
            config["time_zone"] = zone
        else:
            notes.append(NOTE_ZONE)
    others = sorted(k for k, v in extra.items() if v not in ("", None, [], {}))
    if others:
        raise Refusal(f"sets {', '.join(others)}, which n8n's Spontit node does not send.")
    return Converted("app.spontit", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}spontit": Spec(_spontit, "")}
