"""n8n's Gmail node (versions 1 and 2) and Gmail Trigger as WorkFuse's `app.gmail` (the Gmail API)
and trigger.poll's `gmail` source. Messages read come out in n8n's shapes (simple, or parsed by
mailparser), so `$json.subject`, `$json.from.value[0].address` or `$json.Subject` keep working;
many-item operations (getAll, thread get with only its messages) declare their list."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from editor.n8n import send_and_wait  # sendwait
from editor.n8n.apps_base import (
    binary_files,
    credential_note,
    listed,
    operation,
    text,
    unsupported,
)
from editor.n8n.apps_google import _interval
from editor.n8n.apps_imap import FILES_DECLARED  # files2
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from integrations.gmail.node import MAX_RESULTS

CREDENTIAL = credential_note("Gmail OAuth2", "client id, client secret and refresh token")
DEFAULTS = {"message": "send", "draft": "create", "thread": "getAll", "label": "getAll"}
SUPPORTED = (
    "messages: send, reply, get, getAll, addLabels, removeLabels, markAsRead, markAsUnread, "
    "trash, delete; drafts: create, get, getAll; threads: get, getAll, addLabels, "
    "removeLabels, trash; labels: get, getAll, create; sendAndWait"
)
OPERATIONS = {
    ("message", "send"): "send",
    ("message", "reply"): "reply",
    ("message", "get"): "get",
    ("message", "getAll"): "get_many",
    ("message", "addLabels"): "add_labels",
    ("message", "removeLabels"): "remove_labels",
    ("message", "markAsRead"): "mark_read",
    ("message", "markAsUnread"): "mark_unread",
    ("message", "trash"): "trash",
    ("message", "delete"): "delete",
    ("draft", "create"): "create_draft",
    ("draft", "get"): "get_draft",  # seconds
    ("draft", "getAll"): "get_drafts",  # seconds
    ("thread", "get"): "get_thread",
    ("thread", "getAll"): "get_threads",
    ("thread", "addLabels"): "add_thread_labels",
    ("thread", "removeLabels"): "remove_thread_labels",
    ("thread", "trash"): "trash_thread",
    ("label", "getAll"): "list_labels",
    ("label", "get"): "get_label",
    ("label", "create"): "create_label",
}
MANY = {
    "get_many": "messages",
    "get_threads": "threads",
    "list_labels": "labels",
    "get_drafts": "drafts",  # seconds
}
ATTRIBUTION = (
    "n8n appended its 'This email was sent automatically with n8n' line to the message; "
    "WorkFuse sends the message as written."
)
BINARY = (
    "n8n put the attachments in binary properties (attachment_0, …); WorkFuse outputs them as "
    "file values in the list attachments."
)


def _operation(node: N8nNode) -> str:
    resource, op = operation(node, "message", DEFAULTS)
    found = OPERATIONS.get((resource, op))
    if found is None:
        raise unsupported("Gmail", resource, op, SUPPORTED)
    return found


def _ids(cx: Converter, node: N8nNode, value: Any) -> list[Any]:
    """Label ids: n8n's multi-options list, or text separated by commas (or an expression)."""
    if isinstance(value, list):
        return [text(cx, node, entry) for entry in value if entry not in ("", None)]
    return listed(cx, node, value)


def _body(cx: Converter, node: N8nNode, config: dict[str, Any]) -> None:
    """The message as text or HTML (n8n's emailType; HTML by default since version 2.1)."""
    p = node.params
    default = "html" if node.version >= 2.1 else "text"
    kind = p.get("emailType") or default
    config["html" if kind == "html" else "text"] = text(cx, node, p.get("message", ""))


# --- ops ---
def _binary_attachments(cx: Converter, node: N8nNode, entries: Any) -> str:
    """Gmail v2's Attachments (GmailV2 `prepareEmailAttachments`): each entry's Attachment
    Field Name ("data" unless set; names separated by commas) is a binary property of the input
    item, attached under its file's name: the file values `Converter.file_ref` finds."""
    return binary_files(
        cx,
        node,
        [
            (entry or {}).get("property", "data") if isinstance(entry, dict) else "data"
            for entry in (entries if isinstance(entries, list) else [entries])
        ],
    )


# --- end ops ---
def _sending(cx: Converter, node: N8nNode, op: str, config: dict[str, Any]) -> list[str]:
    p = node.params
    options = p.get("options") or {}
    notes: list[str] = []
    # --- ops ---
    binary = (options.get("attachmentsUi") or {}).get("attachmentsBinary")
    if binary and node.version >= 2:
        config["attachments"] = _binary_attachments(cx, node, binary)
    elif binary:
        # --- end ops ---
        raise Refusal(
            "attaches n8n binary data (attachmentsUi); WorkFuse's Gmail node attaches file "
            "values, URLs or base64 content: attach them that way after importing."
        )
    if op == "send":
        config["to"] = listed(cx, node, p.get("sendTo", ""))
    if op != "reply":
        config["subject"] = text(cx, node, p.get("subject", ""))
    _body(cx, node, config)
    for n8n_name, name in (("ccList", "cc"), ("bccList", "bcc"), ("sendTo", "to")):
        if options.get(n8n_name) and (name != "to" or op == "create_draft"):
            config[name] = listed(cx, node, options[n8n_name])
    if options.get("senderName") and op != "create_draft":
        config["sender_name"] = text(cx, node, options["senderName"])
    if options.get("replyTo") and op != "reply":
        config["reply_to"] = text(cx, node, options["replyTo"])
    if op == "reply":
        config["message_id"] = text(cx, node, p.get("messageId", ""))
        if options.get("replyToSenderOnly"):
            config["reply_to_sender_only"] = True
    if op == "create_draft":
        if options.get("threadId"):
            config["thread_id"] = text(cx, node, options["threadId"])
        if options.get("fromAlias"):
            raise Refusal(
                "creates a draft from an alias (fromAlias); WorkFuse's drafts are from the "
                "mailbox itself."
            )
    attribution = options.get("appendAttribution", node.version >= 2.1)  # n8n's default
    if op in ("send", "reply") and attribution:
        notes.append(ATTRIBUTION)
    return notes


def _filters(cx: Converter, node: N8nNode, config: dict[str, Any]) -> None:
    """getAll's filters, as n8n's prepareQuery makes them: q, then from: and is:."""
    filters = node.params.get("filters") or {}
    terms = [text(cx, node, filters.get("q", ""))]
    if filters.get("sender"):
        terms.append(f"from:{text(cx, node, filters['sender'])}")
    status = filters.get("readStatus")
    if status and status != "both":
        terms.append(f"is:{status}")
    for name, label in (("receivedAfter", "after"), ("receivedBefore", "before")):
        if filters.get(name):
            terms.append(_received(cx, node, name, label, filters[name]))
    query = " ".join(str(t) for t in terms if t)
    if query:
        config["query"] = query
    if filters.get("labelIds"):
        config["label_ids"] = _ids(cx, node, filters["labelIds"])
    if filters.get("includeSpamTrash"):
        config["include_spam_trash"] = True


# n8n's prepareTimestamp (Gmail GenericFunctions): an ISO date and time becomes its epoch
# seconds, rounded; a number or short text is taken as seconds; longer text as milliseconds.
_TIMESTAMP = """((v, label) => {
  if (v === undefined || v === null || v === '') return '';
  if (DateTime.isDateTime(v)) v = v.toISO();
  let t = DateTime.fromISO(String(v)).toSeconds();
  if (typeof t === 'number') t = Math.round(t);
  if (!t && typeof v === 'number' && v.toString().length < 12) t = v;
  if (!t && String(v).length < 12) t = parseInt(v, 10);
  if (!t) t = Math.floor(DateTime.fromMillis(parseInt(v, 10)).toSeconds());
  if (!t) throw new Error(`'${v}' isn't a valid date and time for Received ${label}: set an ISO date string or a timestamp`);
  return `${label}:${t}`;
})"""
_WHOLE = re.compile(r"=\{\{(?P<source>(?:(?!\}\}).)*)\}\}\s*", re.S)


def _received(cx: Converter, node: N8nNode, name: str, label: str, value: Any) -> str:
    """receivedAfter/receivedBefore as n8n adds them to the search: ` after:<epoch seconds>`,
    computed at run time from the date the field gives (an ISO text, a DateTime, a timestamp)."""
    if isinstance(value, str) and value.startswith("="):
        whole = _WHOLE.fullmatch(value.strip())
        if whole is None:
            raise Refusal(
                f"filters by {name} with text around its expression ({value[1:80]}); make the "
                "field one expression ({{ ... }}) in n8n and export again."
            )
        source = whole.group("source")
    else:
        source = json.dumps(value)
    return str(cx.expression(f"{{{{ {_TIMESTAMP}({source}, '{label}') }}}}", node))


def _limit(node: N8nNode, cx: Converter, config: dict[str, Any], notes: list[str]) -> None:
    p = node.params
    if p.get("returnAll"):
        config["max_results"] = MAX_RESULTS
        notes.append(f"n8n returned them all (returnAll); WorkFuse reads at most {MAX_RESULTS}.")
        return
    limit = p.get("limit", 50)
    if isinstance(limit, str) and limit.startswith("="):  # an agent's $fromAI('limit'), say
        config["max_results"] = cx.value(limit, node)
        notes.append(
            f"The limit is filled in by the run; above {MAX_RESULTS}, WorkFuse reads {MAX_RESULTS}."
        )
        return
    if not isinstance(limit, int) or limit < 1:
        raise Refusal(f"limits to {limit!r}; WorkFuse needs a number from 1 to {MAX_RESULTS}.")
    if limit > MAX_RESULTS:
        notes.append(f"n8n read up to {limit}; WorkFuse reads at most {MAX_RESULTS}.")
    config["max_results"] = min(limit, MAX_RESULTS)


def _reading(node: N8nNode, config: dict[str, Any], notes: list[str]) -> None:
    p = node.params
    simple = p.get("simple", True)
    if simple is False:
        config["simple"] = False
    # --- ai4 ---
    if isinstance(simple, str) and simple.startswith("="):  # e.g. a tool's $fromAI('Simplify')
        notes.append(
            f"n8n chose Simplify with an expression ({simple[1:80].strip()}); WorkFuse's Gmail "
            "node reads the message simplified, whatever it gives: switch Simplify off here to "
            "read it whole."
        )
    # --- end ai4 ---
    if (p.get("options") or {}).get("downloadAttachments") and simple is False:
        config["download_attachments"] = True
        notes.append(BINARY)


def _gmail(node: N8nNode, cx: Converter) -> Converted:
    if node.version < 2:
        return _gmail_v1(node, cx)
    # --- sendwait ---
    if operation(node, "message", DEFAULTS) == ("message", "sendAndWait"):
        p = node.params
        send = {
            "operation": "send",
            "to": listed(cx, node, p.get("sendTo", "")),
            "subject": text(cx, node, p.get("subject", "")),
        }
        return send_and_wait.convert(cx, node, "app.gmail", send, [CREDENTIAL])
    # --- end sendwait ---
    op = _operation(node)
    p = node.params
    config: dict[str, Any] = {"operation": op}
    notes = [CREDENTIAL]
    if op in ("send", "reply", "create_draft"):
        notes += _sending(cx, node, op, config)
    elif op in (
        "get",
        "add_labels",
        "remove_labels",
        "mark_read",
        "mark_unread",
        "trash",
        "delete",
    ):
        config["message_id"] = text(cx, node, p.get("messageId", ""))
    elif op in ("get_thread", "add_thread_labels", "remove_thread_labels", "trash_thread"):
        config["thread_id"] = text(cx, node, p.get("threadId", ""))
    if op in ("add_labels", "remove_labels", "add_thread_labels", "remove_thread_labels"):
        config["label_ids"] = _ids(cx, node, p.get("labelIds", ""))
    if op in ("get", "get_many", "get_thread"):
        _reading(node, config, notes)
    if op in ("get_many", "get_threads"):
        _filters(cx, node, config)
    if op in MANY:
        _limit(node, cx, config, notes)
    # --- seconds ---
    if op in ("get_draft", "get_drafts"):
        # GmailV2 reads drafts as raw and parses them, attachments always kept as binary.
        config.update(simple=False, download_attachments=True)
        notes.append(BINARY)
        if op == "get_draft":
            config["draft_id"] = text(cx, node, p.get("messageId", ""))
        elif (p.get("options") or {}).get("includeSpamTrash"):
            config["include_spam_trash"] = True
    # --- end seconds ---
    if op == "get_label":
        config["label_id"] = text(cx, node, p.get("labelId", ""))
    if op == "create_label":
        config["label_name"] = text(cx, node, p.get("name", ""))
        if p.get("options"):
            notes.append("n8n's label visibility options are not carried over: shown in both.")
    return _with_files(node, Converted("app.gmail", config, notes=notes))  # files2


# --- version 1 ---------------------------------------------------------------------------
# Gmail version 1 (n8n's GmailV1.node.ts): recipients as lists, an HTML part beside the text,
# messages read "resolved" (parsed, as version 2 with Simplify off) by default, message labels
# as a resource of their own, and drafts as the default resource.
V1_DEFAULTS = {"message": "send", "messageLabel": "add", "label": "getAll", "draft": "create"}
V1_OPERATIONS = {
    ("message", "send"): "send",
    ("message", "get"): "get",
    ("message", "getAll"): "get_many",
    ("message", "delete"): "delete",
    ("messageLabel", "add"): "add_labels",
    ("messageLabel", "remove"): "remove_labels",
    ("label", "get"): "get_label",
    ("label", "getAll"): "list_labels",
    ("draft", "get"): "get_draft",  # seconds
    ("draft", "getAll"): "get_drafts",  # seconds
}
V1_SUPPORTED = (
    "messages: send, get, getAll, delete; message labels: add, remove; labels: get, getAll; "
    "drafts: get, getAll"
)
V1_FORMATS = ("resolved", "full", "metadata", "minimal")


def _gmail_v1(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    resource, op = operation(node, "draft", V1_DEFAULTS)
    found = V1_OPERATIONS.get((resource, op))
    if found is None:
        raise unsupported("Gmail (version 1)", resource, op, V1_SUPPORTED)
    config: dict[str, Any] = {"operation": found}
    notes = [CREDENTIAL]
    fields = p.get("additionalFields") or {}
    if found == "send":
        if (fields.get("attachmentsUi") or {}).get("attachmentsBinary"):
            raise Refusal(
                "attaches n8n binary data (attachmentsUi); WorkFuse's Gmail node attaches file "
                "values, URLs or base64 content: attach them that way after importing."
            )
        config["to"] = _v1_list(cx, node, p.get("toList"))
        config["subject"] = text(cx, node, p.get("subject", ""))
        config["text"] = text(cx, node, p.get("message", ""))
        if p.get("includeHtml"):
            config["html"] = text(cx, node, p.get("htmlMessage", ""))
        for n8n_name, name in (("ccList", "cc"), ("bccList", "bcc")):
            if fields.get(n8n_name):
                config[name] = _v1_list(cx, node, fields[n8n_name])
        if fields.get("senderName"):
            config["sender_name"] = text(cx, node, fields["senderName"])
        if fields.get("replyTo"):
            config["reply_to"] = text(cx, node, fields["replyTo"])
    elif found in ("get", "delete", "add_labels", "remove_labels"):
        config["message_id"] = text(cx, node, p.get("messageId", ""))
    if found in ("add_labels", "remove_labels"):
        config["label_ids"] = _ids(cx, node, p.get("labelIds", ""))
    if found == "get_label":
        config["label_id"] = text(cx, node, p.get("labelId", ""))
    # --- seconds ---
    if found == "get_draft":
        config["draft_id"] = text(cx, node, p.get("messageId", ""))
    if found == "get_drafts" and fields.get("includeSpamTrash"):
        config["include_spam_trash"] = True
    # --- end seconds ---
    if found in ("get", "get_many", "get_draft", "get_drafts"):
        _v1_format(fields, config, notes, ids=found in ("get_many", "get_drafts"))
    if found == "get_many":
        if fields.get("q"):
            config["query"] = text(cx, node, fields["q"])
        if fields.get("labelIds"):
            config["label_ids"] = _ids(cx, node, fields["labelIds"])
        if fields.get("includeSpamTrash"):
            config["include_spam_trash"] = True
    if found in ("get_many", "list_labels", "get_drafts"):
        if p.get("returnAll") or "limit" in p:
            _limit(node, cx, config, notes)
        else:
            config["max_results"] = 10  # version 1's default limit
    return _with_files(node, Converted("app.gmail", config, notes=notes))  # files2


# --- files2 ---
def _with_files(node: N8nNode, converted: Converted) -> Converted:
    """A message read with its attachments: their binary properties (a list of messages pairs
    its files with no one item, so those are not declared)."""
    config = converted.config
    if config.get("operation") in ("get", "get_draft") and config.get("download_attachments"):
        converted.spec["binary"] = attachment_files(node, f"nodes.{node.id}.attachments")
    return converted


# --- end files2 ---


def _v1_list(cx: Converter, node: N8nNode, value: Any) -> list[Any]:
    """Version 1's recipients: a list of addresses (each may be an expression)."""
    if isinstance(value, list):
        return [text(cx, node, entry) for entry in value if entry not in ("", None)]
    return listed(cx, node, value or "")


def _v1_format(fields: dict[str, Any], config: dict[str, Any], notes: list[str], ids: bool) -> None:
    fmt = fields.get("format") or "resolved"
    if fmt == "ids" and ids:
        config["ids_only"] = True
        return
    if fmt not in V1_FORMATS:
        raise Refusal(
            f"reads messages in the '{fmt}' format; WorkFuse reads them parsed (n8n's "
            "'resolved') or their ids. Choose one of those in n8n and export again."
        )
    config["simple"] = False
    if fmt != "resolved":
        notes.append(
            f"n8n gave Gmail's '{fmt}' JSON (payload, headers as a list); WorkFuse gives the "
            "message parsed (id, threadId, labelIds, from, to, subject, date, text, html, "
            "headers), as n8n's 'resolved' format does."
        )
    else:  # n8n's "resolved" keeps every attachment, as binary data
        config["download_attachments"] = True
        notes.append(BINARY)


def _gmail_spec(node: N8nNode, cx: Converter) -> Spec:
    spec = dataclasses.replace(SPECS[f"{BASE}gmail"], per_node=None)
    if node.version < 2:
        found = V1_OPERATIONS.get(operation(node, "draft", V1_DEFAULTS))
        return dataclasses.replace(spec, items=MANY.get(found or ""))
    try:
        op = _operation(node)
    except Refusal:
        return spec
    if op == "get_thread" and (node.params.get("options") or {}).get("returnOnlyMessages"):
        return dataclasses.replace(spec, items="messages")
    return dataclasses.replace(spec, items=MANY.get(op))


def _gmail_trigger(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    event = p.get("event") or "messageReceived"
    if event != "messageReceived":
        raise Refusal(f"starts on '{event}'; WorkFuse's Gmail poll starts on new messages.")
    filters = p.get("filters") or {}
    notes = [
        CREDENTIAL,
        "n8n started one run with all the new messages; WorkFuse starts one run per new message.",
    ]
    config: dict[str, Any] = {"source": "gmail", "id_field": "id"}
    if filters.get("q"):
        config["gmail_query"] = text(cx, node, filters["q"])
    if filters.get("labelIds"):
        config["gmail_label_ids"] = _ids(cx, node, filters["labelIds"])
    if filters.get("readStatus"):
        config["gmail_read_status"] = filters["readStatus"]
    if filters.get("sender"):
        config["gmail_sender"] = text(cx, node, filters["sender"])
    if filters.get("includeSpamTrash"):
        config["gmail_include_spam_trash"] = True
    # Drafts: included by default up to version 1.1; sent messages left out from 1.3.
    config["gmail_include_drafts"] = bool(filters.get("includeDrafts", node.version <= 1.1))
    config["gmail_skip_sent"] = node.version > 1.2
    if p.get("simple", True) is False:
        config["gmail_simple"] = False
        if (p.get("options") or {}).get("downloadAttachments"):
            config["gmail_download_attachments"] = True
            notes.append(BINARY)
    config["interval_seconds"] = _interval(p.get("pollTimes"), notes)
    # --- files2 ---
    spec = {}
    if config.get("gmail_download_attachments"):
        spec["binary"] = attachment_files(node, "trigger.attachments")
    return Converted("trigger.poll", config, notes=notes, spec=spec)


def attachment_files(node: N8nNode, path: str) -> tuple[tuple[str, str], ...]:
    """The binary properties n8n gave a message's attachments (the Attachment Prefix,
    `attachment_` by default, and the attachment's index), as the file values in the list at
    `path` (GmailTrigger, GmailV2 and GmailV1 with attachments downloaded)."""
    p = node.params
    options = {**(p.get("additionalFields") or {}), **(p.get("options") or {})}
    prefix = str(options.get("dataPropertyAttachmentsPrefixName") or "attachment_")
    return tuple((f"{prefix}{i}", f"{path}[{i}]") for i in range(FILES_DECLARED))


# --- end files2 ---


SPECS: dict[str, Spec] = {
    f"{BASE}gmail": Spec(_gmail, "", per_node=_gmail_spec),
    f"{BASE}gmailTrigger": Spec(_gmail_trigger, "trigger"),
}
