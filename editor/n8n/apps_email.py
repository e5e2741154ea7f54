"""n8n's Send Email and SendGrid nodes as WorkFuse's `app.email` (SMTP) and `app.sendgrid`, for
sending; other operations are refused by name. (n8n's Gmail node: apps_gmail.py, the Gmail
API.)"""

from __future__ import annotations

from typing import Any

from editor.n8n import send_and_wait  # sendwait
from editor.n8n.apps_base import (
    binary_files,
    credential_note,
    listed,
    locator,
    operation,
    text,
    unsupported,
)
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

CID_NOTE = (
    "n8n gave each attachment its binary property's name as Content-ID, for <img "
    'src="cid:…"> in the HTML; WorkFuse attaches the files without one, so such images show '
    "as attachments, not in the text."
)


def _body(config: dict[str, Any], html: bool, value: Any) -> None:
    config["html" if html else "text"] = value


def _email_send(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    op = p.get("operation") or "send"
    # --- sendwait ---
    if op == "sendAndWait":
        send = {
            "operation": "send",
            "to": listed(cx, node, p.get("toEmail", "")),
            "subject": text(cx, node, p.get("subject", "")),
        }
        return send_and_wait.convert(cx, node, "app.email", send, _sender_notes(p))
    # --- end sendwait ---
    if op != "send":
        raise unsupported("Send Email", "", op, "it sends an email, or sends and waits")
    options = p.get("options") or {}
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
    notes = _sender_notes(p)
    # Version 1 has its Attachments at the top, later versions among the options.
    attachments = p.get("attachments") if node.version < 2 else options.get("attachments")
    if attachments:
        config["attachments"] = binary_files(cx, node, [attachments])
        if node.version >= 2 and "cid:" in str(p.get("html") or ""):
            notes.append(CID_NOTE)
    if options.get("replyTo"):
        notes.append("n8n's Reply-To address is not carried over.")
    return Converted("app.email", config, notes=notes)


def _sender_notes(p: dict[str, Any]) -> list[str]:
    notes = [credential_note("SMTP server", "it gives the sender")]
    if p.get("fromEmail"):
        notes.append(
            f"n8n sent from {p['fromEmail']}; WorkFuse sends from the SMTP credential's from "
            "address."
        )
    return notes


def _sendgrid(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    resource, op = operation(node, "list", {"mail": "send"})
    # --- svcb ---
    if resource == "contact":
        return _sendgrid_contact(node, cx)
    # --- end svcb ---
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


# --- svcb ---
CONTACT_FIELDS = {"firstName": "first_name", "lastName": "last_name"}


def _sendgrid_contact(node: N8nNode, cx: Converter) -> Converted:
    """n8n's SendGrid contact resource (its default operation, upsert, creates or updates)."""
    p = node.params
    op = str(p.get("operation") or "upsert")
    notes = [credential_note("SendGrid", "an API key")]
    if op == "upsert":
        config: dict[str, Any] = {
            "operation": "upsert_contact",
            "email": text(cx, node, p.get("email", "")),
        }
        extra = dict(p.get("additionalFields") or {})
        lists = ((extra.pop("listIdsUi", None) or {}).get("listIdValues") or {}).get("listIds")
        if lists:
            config["list_ids"] = [text(cx, node, i) for i in lists]
        for key, name in CONTACT_FIELDS.items():
            value = extra.pop(key, "")
            if value not in ("", None):
                config[name] = text(cx, node, value)
        left = sorted(k for k, v in extra.items() if v not in ("", None, {}, []))
        if left:
            raise Refusal(
                f"sets the contact field(s) {', '.join(left)}, which WorkFuse's SendGrid node "
                "does not (email, first and last name, lists); remove them in n8n and export "
                "again."
            )
        return Converted("app.sendgrid", config, notes=notes)
    if op == "get":
        if p.get("by") == "email":
            config = {"operation": "get_contact", "email": text(cx, node, p.get("email", ""))}
        else:
            config = {
                "operation": "get_contact",
                "contact_id": text(cx, node, p.get("contactId", "")),
            }
        return Converted("app.sendgrid", config, notes=notes)
    if op == "delete" and not p.get("deleteAll"):
        ids = listed(cx, node, p.get("ids", ""))
        if len(ids) != 1:
            raise Refusal(
                "deletes several contacts at once; WorkFuse's SendGrid node deletes one by id: "
                "use one node per contact (or a loop) in n8n and export again."
            )
        return Converted(
            "app.sendgrid", {"operation": "delete_contact", "contact_id": ids[0]}, notes=notes
        )
    raise unsupported(
        "SendGrid", "contact", op, "it sends email, upserts, gets and deletes single contacts"
    )


# --- end svcb ---


SPECS: dict[str, Spec] = {
    f"{BASE}emailSend": Spec(_email_send, ""),
    f"{BASE}sendGrid": Spec(_sendgrid, ""),
}
