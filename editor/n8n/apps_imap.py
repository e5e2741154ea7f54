"""n8n's Email Trigger (IMAP) as trigger.poll's `imap` source (integrations/imap): the mailbox,
n8n's custom email rules as the IMAP search, the format (simple, resolved, raw), attachments
as file values, and "Mark as Read" done once the runs are committed. n8n listens (IMAP IDLE)
and starts a run as mail arrives; WorkFuse asks every minute."""

from __future__ import annotations

import json
from typing import Any

from editor.n8n.apps_base import credential_note, text
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec
from integrations.imap import client

CREDENTIAL = credential_note("IMAP server", "host, port, user and password")
FORMATS = ("simple", "resolved", "raw")
POLL_SECONDS = 60
FILES_DECLARED = 10  # attachment_0 … attachment_9: the binary properties a later node may read
NOTES = (
    "n8n listened to the mailbox (IMAP IDLE) and started a run as mail arrived; WorkFuse asks "
    f"every {POLL_SECONDS} s, and its first check only records the mail already there.",
    "n8n put the attachments in binary properties (attachment_0, …); WorkFuse outputs them as "
    "file values in the list attachments.",
)


def _search(cx: Converter, node: N8nNode, options: dict[str, Any]) -> list[Any]:
    rules = options.get("customEmailConfig", '["UNSEEN"]')
    if isinstance(rules, str) and rules.startswith("="):
        raise Refusal(
            "sets its custom email rules with an expression; a poll asks one fixed search. "
            "Write the rules as JSON text in n8n and export again."
        )
    try:
        criteria = json.loads(rules) if isinstance(rules, str) else rules
        if not isinstance(criteria, list):
            raise ValueError("is not a JSON list")
        client.search_terms(criteria)
    except ValueError as exc:
        raise Refusal(
            f"searches with the custom email rules {rules!r}, which WorkFuse cannot send ({exc}). "
            'Write them as node-imap criteria such as ["UNSEEN", ["FROM", "a@example.com"]].'
        ) from None
    return criteria


def _email_read_imap(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    options = p.get("options") or {}
    shape = str(p.get("format") or "simple")
    if shape not in FORMATS:
        raise Refusal(
            f"reads mail in the format '{shape}'; WorkFuse reads simple, resolved or raw."
        )
    mailbox = text(cx, node, p.get("mailbox", "INBOX")) or "INBOX"
    if not isinstance(mailbox, str) or "{{" in mailbox:
        raise Refusal("takes its mailbox from an expression; a poll watches one fixed mailbox.")
    notes = [CREDENTIAL, NOTES[0]]
    config: dict[str, Any] = {
        "source": "imap",
        "imap_mailbox": mailbox,
        "imap_search": _search(cx, node, options),
        "imap_format": shape,
        "imap_mark_read": (p.get("postProcessAction") or "read") == "read",
        "id_field": "id",
        "interval_seconds": POLL_SECONDS,
    }
    downloads = shape == "resolved" or (shape == "simple" and bool(p.get("downloadAttachments")))
    spec: dict[str, Any] = {}
    if downloads:
        config["imap_download_attachments"] = shape == "simple"
        notes.append(NOTES[1])
        prefix = str(p.get("dataPropertyAttachmentsPrefixName") or "attachment_")
        spec["binary"] = tuple(
            (f"{prefix}{i}", f"trigger.attachments[{i}]") for i in range(FILES_DECLARED)
        )
    if options.get("allowUnauthorizedCerts"):
        notes.append(
            "n8n accepted the server's TLS certificate unchecked (allowUnauthorizedCerts); "
            "WorkFuse always checks it."
        )
    if config["imap_mark_read"]:
        notes.append(
            "n8n marked every message it found read; WorkFuse marks read the messages that "
            "started runs."
        )
    return Converted("trigger.poll", config, notes=notes, spec=spec)


SPECS: dict[str, Spec] = {f"{BASE}emailReadImap": Spec(_email_read_imap, "trigger")}
