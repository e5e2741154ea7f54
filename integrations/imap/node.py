"""app.imap: read the messages of a mailbox that match an IMAP search (n8n's Email Trigger
(IMAP) reads them as a trigger: trigger.poll's imap source, new_mail.py)."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.imap import client, messages
from integrations.imap.credentials import ImapServer
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

MAX_RESULTS = 100
Shape = Literal["simple", "resolved", "raw"]


def criteria(value: Any) -> Any:
    """n8n's custom email rules: a JSON list, or its text ('["UNSEEN"]')."""
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError('is not valid JSON; write a list such as ["UNSEEN"]') from None
    if isinstance(value, list):
        client.search_terms(value)  # ValueError names the entry
    return value


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your IMAP server credential. Needed to run."
    )
    operation: Literal["get_many"] = Field(
        "get_many", description="get_many: the newest messages matching the search."
    )
    mailbox: str = Field(
        "INBOX",
        min_length=1,
        description="The mailbox (folder) to read, e.g. INBOX or Archive.",
        json_schema_extra=used_by("get_many"),
        examples=["INBOX"],
    )
    search: list[Any] = Field(
        default_factory=lambda: ["UNSEEN"],
        description='The IMAP search as a JSON list, as n8n\'s custom email rules: ["UNSEEN"], '
        '["ALL"], ["UNSEEN", ["FROM", "billing@example.com"]], [["SINCE", "2026-05-20"]].',
        json_schema_extra=used_by("get_many"),
        examples=[["UNSEEN"]],
    )
    format: Shape = Field(
        "simple",
        description="simple (from, to, cc, subject, date, textPlain, textHtml, metadata with "
        "the other headers), resolved (the whole message parsed, attachments included) or raw "
        "(the body as sent).",
        json_schema_extra=used_by("get_many"),
    )
    download_attachments: bool = Field(
        False,
        description="With simple: the attachments as file values in attachments.",
        json_schema_extra=used_by("get_many"),
    )
    mark_read: bool = Field(
        False,
        description="Mark the messages read once they are read.",
        json_schema_extra=used_by("get_many"),
    )
    max_results: int = Field(
        20,
        ge=1,
        le=MAX_RESULTS,
        description=f"At most this many messages, the newest (1 to {MAX_RESULTS}).",
        json_schema_extra=used_by("get_many"),
    )

    _search = field_validator("search", mode="before")(criteria)


def read(
    secret: Secret,
    mailbox: str,
    search: list[Any],
    *,
    shape: str,
    download_attachments: bool,
    limit: int,
    mark_read: bool = False,
) -> list[dict[str, Any]]:
    """The newest `limit` messages of `mailbox` matching `search`, oldest first, in `shape`."""
    try:
        terms = client.search_terms(search)
    except ValueError as exc:
        raise NodeError(f"The IMAP search: {exc}.") from None
    with client.session(secret) as imap:
        uidvalidity = client.select(imap, mailbox)
        uids = client.search(imap, terms)[-limit:]
        found = client.fetch(imap, uids, uidvalidity)
        items = [messages.item(m, shape, download_attachments) for m in found]
        if mark_read and uids:
            client.mark_seen(imap, uids)
    return items


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{messages, count}."""
    secret, _ = credential_for(ctx, config.operation, ImapServer)
    found = read(
        secret,
        config.mailbox,
        config.search,
        shape=config.format,
        download_attachments=config.download_attachments,
        limit=config.max_results,
        mark_read=config.mark_read,
    )
    return {"messages": found, "count": len(found)}


NODE = NodeType(
    type="app.imap",
    label="Read email (IMAP)",
    category="app",
    description="Reads the newest messages of a mailbox that match an IMAP search (unread by "
    "default) from any IMAP server, in n8n's simple, resolved or raw shape; can mark them read.",
    Config=Config,
    run=run,
    credential_kinds=(ImapServer.kind,),
    icon="✉",
    examples=(
        (
            "Read the unread messages in INBOX with IMAP credential 4 and mark them read",
            {
                "credential": 4,
                "operation": "get_many",
                "mailbox": "INBOX",
                "search": ["UNSEEN"],
                "mark_read": True,
            },
        ),
        (
            "Get the 10 newest messages from billing@example.com in the Invoices folder, with "
            "their attachments",
            {
                "operation": "get_many",
                "mailbox": "Invoices",
                "search": ["ALL", ["FROM", "billing@example.com"]],
                "download_attachments": True,
                "max_results": 10,
            },
        ),
    ),
)
