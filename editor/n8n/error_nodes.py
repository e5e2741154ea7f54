"""n8n's Error Trigger and Stop and Error as WorkFuse's `trigger.error` and `logic.stop`."""

from __future__ import annotations

import json
from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec


def _error_trigger(node: N8nNode, cx: Converter) -> Converted:
    note = (
        "Imported from n8n: choose this workflow as the error workflow in the Settings of each "
        "workflow whose failures it should handle (n8n kept that in their settings too)."
    )
    return Converted("trigger.error", {}, notes=[note])


def _stop(node: N8nNode, cx: Converter) -> Converted:
    """`errorMessage` becomes the message; an `errorObject` gives its `message` and `code`."""
    p = node.params
    if p.get("errorType") != "errorObject":
        return _stop_with(cx.value(p.get("errorMessage") or "", node))
    raw = p.get("errorObject") or ""
    error = _json_object(raw)
    if error is None:  # an expression, or not an object: its text is the message
        return _stop_with(cx.value(raw, node))
    message = cx.value(str(error.get("message") or error.get("description") or ""), node)
    code = error.get("code")
    return _stop_with(message, "" if code is None else str(code))


def _stop_with(message: str, code: str = "") -> Converted:
    config = {"message": message or "Stopped.", "code": code}
    return Converted("logic.stop", config, outputs=[])


def _json_object(raw: object) -> dict[str, Any] | None:
    if isinstance(raw, dict):
        return raw
    try:
        parsed = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


# n8n's error output names fields WorkFuse's trigger.error names differently (DESIGN §4).
ERROR_ALIASES = (
    ("execution.error.message", "execution.error"),
    ("execution.lastNodeExecuted", "execution.failed_node.label"),
    ("execution.mode", "execution.trigger.kind"),
)

SPECS: dict[str, Spec] = {
    f"{BASE}errorTrigger": Spec(_error_trigger, "trigger", aliases=ERROR_ALIASES),
    f"{BASE}stopAndError": Spec(_stop, None),
}
