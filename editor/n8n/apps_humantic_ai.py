"""n8n's Humantic AI node (version 1) as WorkFuse's `app.humantic_ai`, profile resource:
create, get (with its personas) and update; Send Resume sends the input item's binary file
(Binary Property, "data" by default) as the resume."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import (
    binary_file,
    credential_note,
    operation,
    required,
    text,
    unsupported,
)
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec

OPERATIONS = {"create": "create_profile", "get": "get_profile", "update": "update_profile"}


def _humantic(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "profile", {"profile": "create"})
    if resource != "profile" or op not in OPERATIONS:
        raise unsupported("Humantic AI", resource, op, "it creates, gets and updates profiles")
    p = node.params
    config: dict[str, Any] = {
        "operation": OPERATIONS[op],
        "user_id": required(cx, node, "userId", "User ID"),
    }
    if op == "get":
        persona = dict(p.get("options") or {}).get("persona")
        if persona:
            config["persona"] = list(persona)
    elif p.get("sendResume") is True:
        config["resume"] = binary_file(cx, node, p.get("binaryPropertyName"))
    elif op == "update":
        config["text"] = text(cx, node, p.get("text", ""))
    notes = [credential_note("Humantic AI", "an API key")]
    return Converted("app.humantic_ai", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}humanticAi": Spec(_humantic, "")}
