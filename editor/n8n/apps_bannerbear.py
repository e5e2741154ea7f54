"""n8n's Bannerbear node (version 1) as WorkFuse's `app.bannerbear`: image create (the template,
its modifications with n8n's empty values left out, webhook URL, metadata, Wait for Image and
its tries) and image get."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, operation, required, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec
from integrations.bannerbear.node import MAX_TRIES

FIELDS = {
    "name": "name",
    "text": "text",
    "color": "color",
    "background": "background",
    "imageUrl": "image_url",
}


def _bannerbear(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "image", {"image": "create", "template": "get"})
    if resource != "image" or op not in ("create", "get"):
        raise unsupported("Bannerbear", resource, op, "it creates and gets images")
    p = node.params
    notes = [credential_note("Bannerbear", "an API key")]
    if op == "get":
        config: dict[str, Any] = {
            "operation": "get_image",
            "image_id": required(cx, node, "imageId", "Image ID"),
        }
    else:
        config = {
            "operation": "create_image",
            "template_id": required(cx, node, "templateId", "Template ID"),
        }
        rows = dict(p.get("modificationsUi") or {}).get("modificationsValues") or []
        config["modifications"] = [
            {
                FIELDS[k]: text(cx, node, v)
                for k, v in row.items()
                if k in FIELDS and v not in ("", "=", None)
            }
            for row in rows
        ]
        extra = dict(p.get("additionalFields") or {})
        for name, field in (("webhookUrl", "webhook_url"), ("metadata", "metadata")):
            if extra.get(name):
                config[field] = text(cx, node, extra[name])
        if extra.get("waitForImage") is True:
            config["wait"] = True
            tries = extra.get("waitForImageMaxTries") or 3
            config["max_tries"] = min(tries, MAX_TRIES) if isinstance(tries, int) else tries
            if isinstance(tries, int) and tries > MAX_TRIES:
                notes.append(f"n8n asked up to {tries} times; WorkFuse asks at most {MAX_TRIES}.")
    return Converted("app.bannerbear", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}bannerbear": Spec(_bannerbear, "")}
