"""n8n's Mailgun node (version 1) as WorkFuse's `app.mailgun`: one email sent from the
credential's domain, with n8n's from, to, cc, bcc, subject, text and HTML."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, text
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

FIELDS = {
    "fromEmail": "from_email",
    "toEmail": "to",
    "ccEmail": "cc",
    "bccEmail": "bcc",
    "subject": "subject",
    "text": "text",
    "html": "html",
}


def _mailgun(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    if p.get("attachments"):
        raise Refusal(
            "attaches files (Attachments), which WorkFuse's Mailgun node does not send; remove "
            "them in n8n (or link the files in the text) and export again."
        )
    config: dict[str, Any] = {"operation": "send_email"}
    for n8n_name, name in FIELDS.items():
        value = p.get(n8n_name)
        if value not in ("", None):
            config[name] = text(cx, node, value)
    for needed, label in (
        ("fromEmail", "sender (From Email)"),
        ("toEmail", "recipient (To Email)"),
    ):
        if FIELDS[needed] not in config:
            raise Refusal(f"names no {label}; set it in n8n and export again.")
    notes = [credential_note("Mailgun", "an API key with the sending domain")]
    return Converted("app.mailgun", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}mailgun": Spec(_mailgun, "")}
