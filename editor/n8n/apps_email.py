"""n8n's Send Email and SendGrid nodes as WorkFuse's `app.email` (SMTP) and `app.sendgrid`, for
sending; other operations are refused by name. (n8n's Gmail node: apps_gmail.py, the Gmail
API.)"""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, listed, locator, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec


def _body(config: dict[str, Any], html: bool, value: Any) -> None:
    config["html" if html else "text"] = value


def _email_send(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    op = p.get("operation") or "send"
    if op != "send":
        raise unsupported("Send Email", "", op, "it sends an email")
    options = p.get("options") or {}
    attachments = p.get("attachments") if node.version < 2 else options.get("attachments")
    if attachments:
        raise Refusal(
            "attaches n8n binary data; WorkFuse's email node attaches files from URLs or base64 "
            "text. Attach them that way after importing."
        )
    config: dict[str, Any] = {
        "operation": "send",
        "to": listed(cx, node, p.get("toEmail", "")),
        "subject": text(cx, node, p.get("subject", "")),
    }
    cc = p.get("ccEmail") if node.version < 2 else options.get("ccEmail")
    bcc = p.get("bccEmail") if node.version < 2 else options.get("bccEmail")
    if cc:
        config["cc"] = listed(cx, node, cc)
    if bcc:
        config["bcc"] = listed(cx, node, bcc)
    if node.version < 2:
        kinds = [k for k in ("text", "html") if p.get(k)]
    else:
        default = "text" if node.version == 2 else "html"
        fmt = p.get("emailFormat") or default
        kinds = ["text", "html"] if fmt == "both" else [fmt]
    for kind in kinds:
        _body(config, kind == "html", text(cx, node, p.get(kind, "")))
    notes = [credential_note("SMTP server", "it gives the sender")]
    if p.get("fromEmail"):
        notes.append(
            f"n8n sent from {p['fromEmail']}; WorkFuse sends from the SMTP credential's from "
            "address."
        )
    if options.get("replyTo"):
        notes.append("n8n's Reply-To address is not carried over.")
    return Converted("app.email", config, notes=notes)


def _sendgrid(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    resource, op = operation(node, "list", {"mail": "send"})
    if resource != "mail" or op != "send":
        raise unsupported("SendGrid", resource, op, "it sends email")
    extra = p.get("additionalFields") or {}
    for field in ("attachments", "ccEmail", "bccEmail"):
        if extra.get(field):
            raise Refusal(
                f"sends with {field}; WorkFuse's SendGrid node sends to its To recipients "
                "only (no attachments, cc or bcc)."
            )
    config: dict[str, Any] = {
        "operation": "send",
        "from_email": text(cx, node, p.get("fromEmail", "")),
        "to": listed(cx, node, p.get("toEmail", "")),
    }
    if p.get("fromName"):
        config["from_name"] = text(cx, node, p["fromName"])
    if p.get("dynamicTemplate"):
        config["template_id"] = locator(text(cx, node, p.get("templateId", "")))
        rows = (p.get("dynamicTemplateFields") or {}).get("fields") or []
        if rows:
            config["dynamic_template_data"] = {
                str(r.get("key")): text(cx, node, r.get("value", "")) for r in rows if r.get("key")
            }
    else:
        config["subject"] = text(cx, node, p.get("subject", ""))
        html = (p.get("contentType") or "text/plain") == "text/html"
        _body(config, html, text(cx, node, p.get("contentValue", "")))
    notes = [credential_note("SendGrid", "an API key")]
    dropped = sorted(set(extra) - {"attachments", "ccEmail", "bccEmail"})
    if dropped:
        notes.append(f"n8n's SendGrid fields {', '.join(dropped)} are not carried over.")
    return Converted("app.sendgrid", config, notes=notes)


SPECS: dict[str, Spec] = {
    f"{BASE}emailSend": Spec(_email_send, ""),
    f"{BASE}sendGrid": Spec(_sendgrid, ""),
}
