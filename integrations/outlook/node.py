"""app.outlook: send, reply to, read, update (read state, categories, importance, flag), move
and delete messages of a Microsoft 365 / Outlook.com mailbox through Microsoft Graph."""

from __future__ import annotations

import base64
from email.utils import getaddresses
from typing import Any, Literal, Self
from urllib.parse import quote

from pydantic import Field, field_validator, model_validator

from integrations.addresses import address_list
from integrations.email import attachments
from integrations.operations import OperationConfig, field_errors, used_by
from integrations.outlook import new_mail
from integrations.outlook.credentials import OutlookOAuth2
from integrations.outlook.graph_api import Mailbox
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

MAX_RESULTS = 100
MAX_RECIPIENTS = 100
SENDING = ("send", "reply")
BY_ID = ("reply", "get", "update", "move", "delete")
READING = ("get", "get_many")
RECIPIENTS = "Addresses as a list or separated by commas; may use templates."


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Microsoft Outlook OAuth2 credential. Needed to run."
    )
    operation: Literal["send", "reply", "get", "get_many", "update", "move", "delete"] = Field(
        "send",
        description="send: send a message. reply: reply to a message (reply_all: to everyone). "
        "get: one message. get_many: messages of the mailbox or a folder, newest first. "
        "update: read state, categories, importance, flag, subject. move: to a folder. "
        "delete: to Deleted Items.",
    )
    to: list[str] = Field(
        default_factory=list,
        examples=[["ada@example.com"]],
        description=f"Recipients. {RECIPIENTS}",
        json_schema_extra=used_by("send", required=True),
    )
    cc: list[str] = Field(
        default_factory=list,
        examples=[["ops@example.com"]],
        description=f"Copied recipients. {RECIPIENTS}",
        json_schema_extra=used_by("send"),
    )
    bcc: list[str] = Field(
        default_factory=list,
        examples=[["audit@example.com"]],
        description=f"Hidden recipients. {RECIPIENTS}",
        json_schema_extra=used_by("send"),
    )
    reply_to: list[str] = Field(
        default_factory=list,
        examples=[["billing@example.com"]],
        description="Where replies go, when not to the mailbox.",
        json_schema_extra=used_by("send"),
    )
    subject: str = Field(
        "",
        description="The subject. update: the new subject, if any.",
        json_schema_extra=used_by("send", "update"),
    )
    body: str = Field(
        "", description="The message (or the reply's comment).", json_schema_extra=used_by(*SENDING)
    )
    body_type: Literal["html", "text"] = Field(
        "html", description="Whether body is HTML or plain text.", json_schema_extra=used_by("send")
    )
    attachments: Any = Field(
        None,
        description="Files to attach: a list of file values (as a download or another step "
        'outputs them) or of {"url": "https://…"} / {"content": "<base64>", "filename": "…"}.',
        json_schema_extra=used_by("send"),
    )
    save_to_sent_items: bool = Field(
        True, description="Keep a copy in Sent Items.", json_schema_extra=used_by("send")
    )
    reply_all: bool = Field(
        False,
        description="reply: to the sender and all recipients.",
        json_schema_extra=used_by("reply"),
    )
    message_id: str = Field(
        "",
        description="The Graph message id (get_many outputs it as id).",
        json_schema_extra=used_by(*BY_ID, required=True),
    )
    folder_id: str = Field(
        "",
        description="move: the destination folder's id, or a well-known name (inbox, archive, "
        "deleteditems, junkemail). get_many: only this folder.",
        json_schema_extra=used_by("move", "get_many", required=("move",)),
    )
    filter: str = Field(
        "",
        description="get_many: an OData filter, e.g. isRead eq false and "
        "from/emailAddress/address eq 'ada@example.com'.",
        json_schema_extra=used_by("get_many"),
    )
    fields: list[str] = Field(
        default_factory=list,
        description="get/get_many: only these message properties (subject, from, body, …); "
        "empty: all of them.",
        json_schema_extra=used_by(*READING),
    )
    # --- svcc ---
    simple: bool = Field(
        False,
        description="get_many: each message as n8n simplifies it (id, conversationId, subject, "
        "bodyPreview, from and to as addresses, categories, hasAttachments) instead of the "
        "fields above.",
        json_schema_extra=used_by("get_many"),
    )
    # --- end svcc ---
    max_results: int = Field(
        50,
        ge=1,
        le=MAX_RESULTS,
        description=f"get_many: at most this many (up to {MAX_RESULTS}).",
        json_schema_extra=used_by("get_many"),
    )
    is_read: bool | None = Field(
        None,
        description="update: mark read (true) or unread (false).",
        json_schema_extra=used_by("update"),
    )
    categories: Any = Field(
        None,
        description="send/update: the message's categories (a list of names; update replaces "
        "them).",
        json_schema_extra=used_by("send", "update"),
    )
    importance: Literal["", "Low", "Normal", "High"] = Field(
        "", description="send/update: the importance.", json_schema_extra=used_by("send", "update")
    )
    flag: Literal["", "notFlagged", "flagged", "complete"] = Field(
        "", description="update: the follow-up flag.", json_schema_extra=used_by("update")
    )

    _lists = field_validator("to", "cc", "bcc", "reply_to", mode="before")(address_list)

    @field_validator("fields", mode="before")
    @classmethod
    def _fields(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value or []

    @field_validator("attachments", mode="before")
    @classmethod
    def _attachments(cls, value: Any) -> Any:
        return attachments.checked(value)

    @field_validator("categories", mode="before")
    @classmethod
    def _categories(cls, value: Any) -> Any:
        if isinstance(value, str) and "{{" not in value and "{%" not in value:
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _checks(self) -> Self:
        if len(self.to) + len(self.cc) + len(self.bcc) > MAX_RECIPIENTS:
            raise field_errors(self, {"to": f"At most {MAX_RECIPIENTS} recipients in all."})
        return self


def _recipients(entries: list[str]) -> list[dict[str, Any]]:
    found = getaddresses(entries)
    return [{"emailAddress": {"address": a, **({"name": n} if n else {})}} for n, a in found if a]


def _files(config: Config) -> list[dict[str, Any]]:
    return [
        {
            "@odata.type": "#microsoft.graph.fileAttachment",
            "name": a.filename,
            "contentType": a.content_type,
            "contentBytes": base64.b64encode(a.data).decode("ascii"),
        }
        for a in attachments.read(config.attachments)
    ]


def _send(box: Mailbox, config: Config) -> dict[str, Any]:
    message: dict[str, Any] = {
        "subject": config.subject,
        "body": {
            "contentType": "HTML" if config.body_type == "html" else "Text",
            "content": config.body or " ",
        },
        "toRecipients": _recipients(config.to),
    }
    for name, entries in (
        ("ccRecipients", config.cc),
        ("bccRecipients", config.bcc),
        ("replyTo", config.reply_to),
    ):
        if entries:
            message[name] = _recipients(entries)
    if config.importance:
        message["importance"] = config.importance
    if config.categories is not None:
        message["categories"] = _categories(config)
    found = _files(config)
    if found:
        message["attachments"] = found
    body = {"message": message, "saveToSentItems": config.save_to_sent_items}
    box.call("POST", "sendMail", "sendMail", json=body)
    return {"success": True}


def _categories(config: Config) -> list[str]:
    value = config.categories
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise NodeError("categories must be a list of category names.")
    return value


def _update(box: Mailbox, config: Config) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if config.is_read is not None:
        body["isRead"] = config.is_read
    if config.categories is not None:
        body["categories"] = _categories(config)
    if config.importance:
        body["importance"] = config.importance
    if config.flag:
        body["flag"] = {"flagStatus": config.flag}
    if config.subject:
        body["subject"] = config.subject
    if not body:
        raise NodeError(
            "update needs something to change: is_read, categories, importance, flag or subject."
        )
    return box.call("PATCH", f"messages/{_id(config.message_id)}", "message update", json=body)


def _select(config: Config) -> dict[str, Any]:
    return {"$select": ",".join(config.fields)} if config.fields else {}


def _get_many(box: Mailbox, config: Config) -> dict[str, Any]:
    where = f"mailFolders/{_id(config.folder_id)}/messages" if config.folder_id else "messages"
    params: dict[str, Any] = {"$top": config.max_results, **_select(config)}
    if config.simple:  # svcc
        params["$select"] = new_mail.SIMPLE_SELECT
    if config.filter:
        params["$filter"] = config.filter
    else:
        params["$orderby"] = "receivedDateTime desc"
    answer = box.call("GET", where, "messages list", params=params)
    messages = (answer.get("value") or [])[: config.max_results]
    if config.simple:  # svcc
        messages = [new_mail.simplified(m) for m in messages if isinstance(m, dict)]
    return {"messages": messages, "count": len(messages)}


def _id(value: str) -> str:
    return quote(value.strip(), safe="=")


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """send, reply, move, delete: {success: true}; get and update: the message; get_many:
    {messages, count}."""
    secret, _ = credential_for(ctx, config.operation, OutlookOAuth2)
    box = Mailbox(secret)
    op = config.operation
    if op == "send":
        return _send(box, config)
    if op == "get_many":
        return _get_many(box, config)
    path = f"messages/{_id(config.message_id)}"
    if op == "get":
        return box.call("GET", path, "message get", params=_select(config))
    if op == "update":
        return _update(box, config)
    if op == "reply":
        action = "replyAll" if config.reply_all else "reply"
        box.call("POST", f"{path}/{action}", action, json={"comment": config.body})
    elif op == "move":
        box.call("POST", f"{path}/move", "message move", json={"destinationId": config.folder_id})
    else:
        box.call("DELETE", path, "message delete")
    return {"success": True}


NODE = NodeType(
    type="app.outlook",
    label="Microsoft Outlook",
    category="app",
    description="Sends, replies to, reads, updates (read, categories, importance, flag), moves "
    "and deletes messages of a Microsoft 365 or Outlook.com mailbox through Microsoft Graph.",
    Config=Config,
    run=run,
    credential_kinds=(OutlookOAuth2.kind,),
    icon="✉",
    examples=(
        (
            "Send the weekly report to ops@acme.test from my Outlook, credential 6",
            {
                "credential": 6,
                "operation": "send",
                "to": ["ops@acme.test"],
                "subject": "Weekly report",
                "body": "<p>{{ nodes.report.result }}</p>",
            },
        ),
        (
            "Reply to everyone on the message the previous step read: 'Noted, thanks.'",
            {
                "operation": "reply",
                "message_id": "{{ nodes.read.id }}",
                "body": "Noted, thanks.",
                "reply_all": True,
            },
        ),
        (
            "Read the subject, sender and body of the message the previous step found",
            {
                "operation": "get",
                "message_id": "{{ nodes.find.id }}",
                "fields": ["subject", "from", "body"],
            },
        ),
        (
            "List my 20 newest unread messages in the inbox",
            {
                "operation": "get_many",
                "folder_id": "inbox",
                "filter": "isRead eq false",
                "max_results": 20,
            },
        ),
        (
            "Tag the message the previous step read with the category Invoice and mark it read",
            {
                "operation": "update",
                "message_id": "{{ nodes.read.id }}",
                "categories": ["Invoice"],
                "is_read": True,
            },
        ),
        (
            "Move the message the previous step read to the Archive folder",
            {"operation": "move", "message_id": "{{ nodes.read.id }}", "folder_id": "archive"},
        ),
        (
            "Delete the message the previous step read",
            {"operation": "delete", "message_id": "{{ nodes.read.id }}"},
        ),
    ),
)
