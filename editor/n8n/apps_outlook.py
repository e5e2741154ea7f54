"""n8n's Microsoft Outlook node (version 2) as WorkFuse's `app.outlook` (Microsoft Graph):
messages send, update and move, whose settings and outputs WorkFuse reproduces; other
operations are refused by name."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import credential_note, listed, locator, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

CREDENTIAL = credential_note(
    "Microsoft Outlook OAuth2", "tenant, client id, client secret and refresh token"
)
SUPPORTED = "messages: send, update, move"
SEND_FIELDS = {
    "bodyContentType",
    "ccRecipients",
    "bccRecipients",
    "replyTo",
    "importance",
    "categories",
    "saveToSentItems",
}
UPDATE_FIELDS = {"categories", "importance", "isRead", "subject"}


def _rl(cx: Converter, node: N8nNode, value: Any) -> Any:
    """A resource locator's value (by id, list or URL) as a config value."""
    return text(cx, node, locator(value) if isinstance(value, dict) else value)


def _unsupported_fields(given: dict[str, Any], known: set[str], what: str) -> None:
    extra = sorted(
        name
        for name, value in given.items()
        if name not in known and value not in ("", [], {}, None)
    )
    if extra:
        raise Refusal(
            f"sets {what} {', '.join(extra)}, which WorkFuse's Outlook node does not; remove "
            "them in n8n (or send through an HTTP Request node) and export again."
        )


def _send(cx: Converter, node: N8nNode, config: dict[str, Any]) -> None:
    p = node.params
    extra = p.get("additionalFields") or {}
    if extra.get("attachments"):
        raise Refusal(
            "attaches n8n binary data; WorkFuse's Outlook node attaches file values, URLs or "
            "base64 content: attach them that way after importing."
        )
    _unsupported_fields(extra, SEND_FIELDS, "the additional fields")
    config["to"] = listed(cx, node, p.get("toRecipients", ""))
    config["subject"] = text(cx, node, p.get("subject", ""))
    config["body"] = text(cx, node, p.get("bodyContent", ""))
    if (extra.get("bodyContentType") or "html") != "html":
        config["body_type"] = "text"
    for n8n_name, name in (
        ("ccRecipients", "cc"),
        ("bccRecipients", "bcc"),
        ("replyTo", "reply_to"),
    ):
        if extra.get(n8n_name):
            config[name] = listed(cx, node, extra[n8n_name])
    if extra.get("importance"):
        config["importance"] = extra["importance"]
    if extra.get("categories"):
        config["categories"] = cx.value(extra["categories"], node)
    if extra.get("saveToSentItems") is False:
        config["save_to_sent_items"] = False


def _update(cx: Converter, node: N8nNode, config: dict[str, Any]) -> None:
    fields = node.params.get("updateFields") or {}
    if fields.get("folderId"):
        raise Refusal(
            "moves the message while updating it (updateFields.folderId); WorkFuse updates and "
            "moves in two Outlook nodes: add a move after importing."
        )
    _unsupported_fields(fields, UPDATE_FIELDS, "the update fields")
    if not any(fields.get(name) not in (None, "", []) for name in UPDATE_FIELDS):
        raise Refusal("updates no field; choose one in n8n and export again.")
    config["message_id"] = _rl(cx, node, node.params.get("messageId", ""))
    if fields.get("categories") not in (None, "", []):
        config["categories"] = cx.value(fields["categories"], node)
    if fields.get("importance"):
        config["importance"] = fields["importance"]
    if "isRead" in fields:
        config["is_read"] = bool(fields["isRead"])
    if fields.get("subject"):
        config["subject"] = text(cx, node, fields["subject"])


def _outlook(node: N8nNode, cx: Converter) -> Converted:
    if node.version < 2:
        raise Refusal(
            f"is Microsoft Outlook version {node.version:g}, whose settings WorkFuse does not "
            "read; open the workflow in a current n8n (which upgrades the node to version 2) "
            "and export it again."
        )
    resource, op = operation(node, "message", {"message": "send"})
    if resource != "message" or op not in ("send", "update", "move"):
        raise unsupported("Outlook", resource, op, SUPPORTED)
    config: dict[str, Any] = {"operation": op}
    if op == "send":
        _send(cx, node, config)
    elif op == "update":
        _update(cx, node, config)
    else:
        config["message_id"] = _rl(cx, node, node.params.get("messageId", ""))
        config["folder_id"] = _rl(cx, node, node.params.get("folderId", ""))
    return Converted("app.outlook", config, notes=[CREDENTIAL])


SPECS: dict[str, Spec] = {f"{BASE}microsoftOutlook": Spec(_outlook, "")}
