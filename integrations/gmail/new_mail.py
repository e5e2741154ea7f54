"""trigger.poll's `gmail` source: the newest messages of the mailbox matching the poll's
filters, each in n8n's Gmail Trigger output (simple or parsed, see mime.py), its `id` the id
the poll remembers (docs/triggers.md, "Polling").

The filters are n8n's: a search query (`q`), label ids (all of them), the read status and the
sender (both added to the query as `is:` and `from:`, as n8n does), Spam and Trash, drafts, and
messages the mailbox sent itself. One poll reads at most `POLL_MAX` messages, newest first: a
mailbox receiving more between two polls has the older ones skipped.
"""

from __future__ import annotations

from typing import Any

from integrations.gmail import node
from integrations.gmail.gmail_api import Mailbox
from workfuse.lib.node_run import NodeError, Secret

POLL_MAX = 50
READ_STATUS = ("both", "unread", "read")


def query(settings: dict[str, Any]) -> str:
    """n8n's prepareQuery: the search, then `from:` the sender and `is:` the read status."""
    parts = [str(settings.get("gmail_query") or "").strip()]
    sender = str(settings.get("gmail_sender") or "").strip()
    if sender:
        parts.append(f"from:{sender}")
    status = str(settings.get("gmail_read_status") or "both")
    if status not in READ_STATUS:
        raise NodeError(f"The Gmail read status must be one of {', '.join(READ_STATUS)}.")
    if status != "both":
        parts.append(f"is:{status}")
    return " ".join(part for part in parts if part)


def poll_messages(secret: Secret, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The newest messages matching the settings, each with its `id`. Raises NodeError."""
    box = Mailbox(secret)
    params: dict[str, Any] = {"maxResults": POLL_MAX}
    if query(settings):
        params["q"] = query(settings)
    labels = [str(label) for label in settings.get("gmail_label_ids") or [] if label]
    if labels:
        params["labelIds"] = labels
    if settings.get("gmail_include_spam_trash"):
        params["includeSpamTrash"] = "true"
    listed = box.call("GET", "messages", "messages.list", params=params).get("messages") or []
    simple = bool(settings.get("gmail_simple", True))
    download = bool(settings.get("gmail_download_attachments"))
    names = node.label_names(box) if simple and listed else None
    items: list[dict[str, Any]] = []
    for entry in listed[:POLL_MAX]:
        message = node.read_message(box, str(entry["id"]), simple, download, names)
        ids = _label_ids(message)
        if "DRAFT" in ids and not settings.get("gmail_include_drafts"):
            continue
        if "SENT" in ids and settings.get("gmail_skip_sent", True):
            continue
        items.append(message)
    return items


def _label_ids(message: dict[str, Any]) -> list[str]:
    if "labelIds" in message:
        return [str(i) for i in message.get("labelIds") or []]
    return [str(label.get("id")) for label in message.get("labels") or []]
