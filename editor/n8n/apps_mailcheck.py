"""n8n's Mailcheck node (version 1) as WorkFuse's `app.mailcheck`: an email checked (the
email resource's check, its only operation); Mailcheck's answer is the item, as in n8n."""

from __future__ import annotations

from editor.n8n.apps_base import credential_note, operation, required, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Spec


def _mailcheck(node: N8nNode, cx: Converter) -> Converted:
    resource, op = operation(node, "email", {"email": "check"})
    if resource != "email" or op != "check":
        raise unsupported("Mailcheck", resource, op, "it checks an email")
    config = {"operation": "check_email", "email": required(cx, node, "email", "Email")}
    return Converted("app.mailcheck", config, notes=[credential_note("Mailcheck", "an API key")])


SPECS: dict[str, Spec] = {f"{BASE}mailcheck": Spec(_mailcheck, "")}
