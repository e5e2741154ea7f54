"""n8n's Microsoft Outlook node (version 2) as WorkFuse's `app.outlook` (Microsoft Graph):
messages send, update, move and getAll, whose settings and outputs WorkFuse reproduces; other
operations are refused by name. n8n's Microsoft Outlook Trigger as trigger.poll's `outlook`
source (integrations/outlook/new_mail.py)."""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n import send_and_wait  # sendwait
from editor.n8n.apps_base import credential_note, listed, locator, operation, text, unsupported
from editor.n8n.apps_google import _interval
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

CREDENTIAL = credential_note(
    "Microsoft Outlook OAuth2", "tenant, client id, client secret and refresh token"
)
SUPPORTED = "messages: send, update, move, getAll"
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
    # --- sendwait ---
    if (resource, op) == ("message", "sendAndWait"):
        p = node.params
        send = {
            "operation": "send",
            "to": listed(cx, node, p.get("toRecipients", "")),
            "subject": text(cx, node, p.get("subject", "")),
        }
        return send_and_wait.convert(cx, node, "app.outlook", send, [CREDENTIAL], body="body")
    # --- end sendwait ---
    if resource != "message" or op not in ("send", "update", "move", "getAll"):
        raise unsupported("Outlook", resource, op, SUPPORTED)
    config: dict[str, Any] = {"operation": op}
    if op == "send":
        _send(cx, node, config)
    elif op == "update":
        _update(cx, node, config)
    elif op == "getAll":  # svcc
        return Converted("app.outlook", _get_all(cx, node), notes=[CREDENTIAL])
    else:
        config["message_id"] = _rl(cx, node, node.params.get("messageId", ""))
        config["folder_id"] = _rl(cx, node, node.params.get("folderId", ""))
    return Converted("app.outlook", config, notes=[CREDENTIAL])


# --- svcc: messages getAll and the Microsoft Outlook Trigger ---
MAX_RESULTS = 100
LIMIT = 50
FILTERS = {"custom", "foldersToInclude", "hasAttachments", "readStatus", "sender"}


def _filter_string(filters: dict[str, Any], what: str) -> tuple[str, str]:
    """(folder id, OData filter) of n8n's message filters, built as n8n's prepareFilterString
    builds them; one folder to include is asked as the folder's messages (Graph cannot filter
    /me/messages by parentFolderId)."""
    given = {k: v for k, v in filters.items() if v not in ("", [], {}, None, False)}
    extra = sorted(set(given) - FILTERS)
    if extra:
        raise Refusal(
            f"filters {what} by {', '.join(extra)}, which WorkFuse does not; write it as a "
            "Custom Filter (OData, e.g. receivedDateTime ge 2026-01-01T00:00:00Z) in n8n and "
            "export again."
        )
    if any(isinstance(v, str) and v.startswith("=") for v in given.values()):
        raise Refusal(f"filters {what} with an expression; type the filter in n8n instead.")
    folders = [str(f) for f in given.get("foldersToInclude") or [] if f]
    if len(folders) > 1:
        raise Refusal(
            f"reads {what} from {len(folders)} folders; WorkFuse reads one folder (or the "
            "whole mailbox): keep one in n8n, or use one node per folder."
        )
    parts: list[str] = []
    if given.get("sender"):
        sender = str(given["sender"]).replace("'", "''")
        parts.append(
            f"(from/emailAddress/address eq '{sender}' or from/emailAddress/name eq '{sender}')"
        )
    if given.get("hasAttachments"):
        parts.append("hasAttachments eq true")
    if given.get("readStatus") in ("read", "unread"):
        parts.append(f"isRead eq {str(given['readStatus'] == 'read').lower()}")
    if given.get("custom"):
        parts.append(str(given["custom"]))
    return (folders[0] if folders else ""), " and ".join(parts)


def _output(p: dict[str, Any], what: str) -> tuple[str, list[str]]:
    output = str(p.get("output") or "simple")
    fields = [str(f) for f in p.get("fields") or []]
    if output not in ("simple", "raw", "fields") or (output == "fields" and not fields):
        raise Refusal(f"outputs {what} as '{output}' with no field; choose the fields in n8n.")
    if (p.get("options") or {}).get("downloadAttachments"):
        raise Refusal(
            f"downloads the attachments of {what}; WorkFuse does not yet: turn Download "
            "Attachments off in n8n and read them with an HTTP Request node."
        )
    return output, fields


def _get_all(cx: Converter, node: N8nNode) -> dict[str, Any]:
    p = node.params
    output, fields = _output(p, "the messages")
    filters = ((p.get("filtersUI") or {}).get("values") or {}).get("filters") or {}
    folder, odata = _filter_string(filters, "the messages")
    config: dict[str, Any] = {"operation": "get_many"}
    if folder:
        config["folder_id"] = folder
    if odata:
        config["filter"] = odata
    if output == "simple":
        config["simple"] = True
    elif fields:
        config["fields"] = fields
    limit = MAX_RESULTS if p.get("returnAll") else int(p.get("limit") or LIMIT)
    config["max_results"] = min(max(limit, 1), MAX_RESULTS)
    return config


def _outlook_spec(node: N8nNode, cx: Converter) -> Spec:
    many = "messages" if operation(node, "message", {"message": "send"})[1] == "getAll" else None
    return dataclasses.replace(SPECS[f"{BASE}microsoftOutlook"], per_node=None, items=many)


def _outlook_trigger(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    event = str(p.get("event") or "messageReceived")
    if event != "messageReceived":
        raise Refusal(f"starts on '{event}'; WorkFuse's Outlook poll starts on a new message.")
    output, fields = _output(p, "the new messages")
    folder, odata = _filter_string(p.get("filters") or {}, "the new messages")
    notes = [
        CREDENTIAL,
        "n8n started one run with all the messages received since its last poll; WorkFuse "
        "starts one per new message.",
    ]
    config: dict[str, Any] = {"source": "outlook", "outlook_output": output, "id_field": "id"}
    if fields:
        config["outlook_fields"] = fields
    if folder:
        config["outlook_folder_id"] = folder
    if odata:
        config["outlook_filter"] = odata
    config["interval_seconds"] = _interval(p.get("pollTimes"), notes)
    return Converted("trigger.poll", config, notes=notes)


# --- end svcc ---


SPECS: dict[str, Spec] = {
    f"{BASE}microsoftOutlook": Spec(_outlook, "", per_node=_outlook_spec),
    f"{BASE}microsoftOutlookTrigger": Spec(_outlook_trigger, "trigger"),  # svcc
}
