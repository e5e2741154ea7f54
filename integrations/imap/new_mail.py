"""trigger.poll's `imap` source: the newest messages matching the poll's IMAP search (n8n's
Email Trigger (IMAP): mailbox, custom email rules, format, attachments), each with its `id`
(`<UIDVALIDITY>:<UID>`) the poll remembers.

Reading leaves messages unread (BODY.PEEK). With `imap_mark_read`, n8n's "Mark as Read", the
poll marks read the messages that started runs, once those runs are committed (`mark_read`,
called by executions/polls.py): a crash in between leaves a message unread, never lost, and
the messages unread when the poll starts (its first check only records them) stay unread.
"""

from __future__ import annotations

from typing import Any

from integrations.imap import client, node
from workfuse.lib.node_run import Secret

POLL_MAX = 20  # messages read by one poll, the newest: a busier mailbox has older ones skipped


def poll_messages(secret: Secret, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The newest messages matching the settings. Raises NodeError."""
    return node.read(
        secret,
        str(settings.get("imap_mailbox") or "INBOX"),
        list(settings.get("imap_search") or ["UNSEEN"]),
        shape=str(settings.get("imap_format") or "simple"),
        download_attachments=bool(settings.get("imap_download_attachments")),
        limit=POLL_MAX,
    )


def mark_read(secret: Secret, settings: dict[str, Any], items: list[Any]) -> None:
    """Mark the messages of `items` read (those of the mailbox's current UIDVALIDITY)."""
    keys = {str(i.get("id")) for i in items if isinstance(i, dict)}
    with client.session(secret) as imap:
        uidvalidity = client.select(imap, str(settings.get("imap_mailbox") or "INBOX"))
        uids = sorted(
            int(key.partition(":")[2]) for key in keys if key.partition(":")[0] == uidvalidity
        )
        if uids:
            client.mark_seen(imap, uids)
