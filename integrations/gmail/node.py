"""app.gmail: send, reply, draft, read, label, trash and delete messages and threads of a Gmail
mailbox through the Gmail API, as the owner of an OAuth refresh token."""

from __future__ import annotations

from email.utils import formataddr, getaddresses
from typing import Any, Literal, Self
from urllib.parse import quote

from pydantic import Field, field_validator, model_validator

from integrations.addresses import address, address_list
from integrations.email import attachments
from integrations.gmail import mime
from integrations.gmail.credentials import GmailOAuth2
from integrations.gmail.gmail_api import Mailbox
from integrations.operations import OperationConfig, field_errors, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import RunContext
from workfuse.lib.node_types import NodeType
from workfuse.lib.template_numbers import filled_number, number_or_template

MAX_RESULTS = 100  # messages read by one get_many: each is one more request
MAX_RECIPIENTS = 100
SENDING = ("send", "reply", "create_draft")
MESSAGE_ID = ("get", "reply", "add_labels", "remove_labels", "mark_read", "mark_unread")
MESSAGE_ACTIONS = (*MESSAGE_ID, "trash", "delete")
THREAD_ID = ("get_thread", "add_thread_labels", "remove_thread_labels", "trash_thread")
LABELS = ("add_labels", "remove_labels", "add_thread_labels", "remove_thread_labels")
LISTS = ("get_many", "get_threads")
LIMITED = (*LISTS, "list_labels")
READING = ("get", "get_many", "get_thread")
DRAFTS = ("get_draft", "get_drafts")  # seconds
Operation = Literal[
    "send",
    "reply",
    "create_draft",
    "get_draft",  # seconds
    "get_drafts",  # seconds
    "get",
    "get_many",
    "add_labels",
    "remove_labels",
    "mark_read",
    "mark_unread",
    "trash",
    "delete",
    "get_thread",
    "get_threads",
    "add_thread_labels",
    "remove_thread_labels",
    "trash_thread",
    "list_labels",
    "get_label",
    "create_label",
]
RECIPIENTS = "Addresses as a list or separated by commas; may use templates."


def _ids(value: Any) -> Any:
    """Label ids: a list, or text separated by commas (a template stays whole)."""
    if value is None:
        return []
    if isinstance(value, str):
        if "{{" in value or "{%" in value:
            return [value]
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Gmail OAuth2 credential (the mailbox). Needed to run."
    )
    operation: Operation = Field(
        "send",
        description="Messages: send, reply (in the message's thread, to its sender and "
        "recipients), create_draft, get, get_many (by search query and labels), add_labels, "
        "remove_labels, mark_read, mark_unread, trash, delete (for good). Drafts: get_draft, "
        "get_drafts. Threads: get_thread, get_threads, add_thread_labels, "
        "remove_thread_labels, trash_thread. Labels: list_labels, get_label, create_label.",
    )
    to: list[str] = Field(
        default_factory=list,
        examples=[["ada@example.com"]],
        description=f"Recipients. {RECIPIENTS}",
        json_schema_extra=used_by("send", "create_draft", required=("send",)),
    )
    cc: list[str] = Field(
        default_factory=list,
        examples=[["ops@example.com"]],
        description=f"Copied recipients. {RECIPIENTS}",
        json_schema_extra=used_by(*SENDING),
    )
    bcc: list[str] = Field(
        default_factory=list,
        examples=[["audit@example.com"]],
        description=f"Hidden recipients. {RECIPIENTS}",
        json_schema_extra=used_by(*SENDING),
    )
    subject: str = Field(
        "",
        description="The subject (reply: the original message's subject is used).",
        json_schema_extra=used_by("send", "create_draft", required=("send",)),
    )
    text: str = Field("", description="The plain-text body.", json_schema_extra=used_by(*SENDING))
    html: str = Field(
        "",
        description="The HTML body; with text too, mail apps choose.",
        json_schema_extra=used_by(*SENDING),
    )
    sender_name: str = Field(
        "",
        description="The name shown as the sender, with the mailbox's address.",
        json_schema_extra=used_by(*SENDING),
    )
    reply_to: str = Field(
        "",
        examples=["billing@example.com"],
        description="Where replies go, when not to the mailbox.",
        json_schema_extra=used_by("send", "create_draft"),
    )
    attachments: Any = Field(
        None,
        description="Files to attach: a list of file values (as a download or another step "
        'outputs them) or of {"url": "https://…"} / {"content": "<base64>", "filename": "…"}.',
        json_schema_extra=used_by(*SENDING),
    )
    reply_to_sender_only: bool = Field(
        False,
        description="reply: only to the sender, not to the message's other recipients.",
        json_schema_extra=used_by("reply"),
    )
    message_id: str = Field(
        "",
        description="The Gmail message id (a trigger or get_many outputs it as id).",
        json_schema_extra=used_by(*MESSAGE_ACTIONS, required=True),
    )
    thread_id: str = Field(
        "",
        description="The Gmail thread id (threadId). create_draft: the thread the draft "
        "answers in, optional.",
        json_schema_extra=used_by(*THREAD_ID, "create_draft", required=THREAD_ID),
    )
    label_ids: list[str] = Field(
        default_factory=list,
        description="Label ids (INBOX, UNREAD, STARRED, or Label_… of your own labels; "
        "list_labels shows them). get_many/get_threads: only with all of these labels.",
        json_schema_extra=used_by(*LABELS, *LISTS, required=LABELS),
    )
    query: str = Field(
        "",
        description="get_many/get_threads/get_drafts: a Gmail search, as in the search box "
        "(from:ada@example.com is:unread newer_than:1d).",
        json_schema_extra=used_by(*LISTS, "get_drafts"),
    )
    include_spam_trash: bool = Field(
        False,
        description="get_many/get_threads/get_drafts: also from Spam and Trash.",
        json_schema_extra=used_by(*LISTS, "get_drafts"),
    )
    max_results: int | str = Field(
        50,
        description=f"get_many/get_threads/get_drafts/list_labels: at most this many (up to "
        f"{MAX_RESULTS}: a larger number reads {MAX_RESULTS}), or a template giving it; "
        "messages and threads newest first.",
        json_schema_extra=used_by(*LIMITED, "get_drafts"),
    )
    simple: bool = Field(
        True,
        description="get/get_many/get_thread/get_draft/get_drafts: on, the message's headers "
        "(From, To, Subject) and snippet; off, the whole message parsed: from/to as addresses, "
        "subject, date, text, html, headers (get_thread: the API's full format).",
        json_schema_extra=used_by(*READING, *DRAFTS),
    )
    download_attachments: bool = Field(
        False,
        description="With simple off: the message's attachments as file values in attachments.",
        json_schema_extra=used_by(*READING, *DRAFTS),
    )
    ids_only: bool = Field(
        False,
        description="get_many: only each message's id and threadId, without reading the "
        "messages (one API call a page instead of one a message). get_drafts: each draft's id "
        "and its message's {id, threadId}.",
        json_schema_extra=used_by("get_many", "get_drafts"),
    )
    # --- seconds ---
    draft_id: str = Field(
        "",
        description="get_draft: the draft's id (create_draft and get_drafts output it as id).",
        json_schema_extra=used_by("get_draft", required=True),
    )
    # --- end seconds ---
    label_id: str = Field(
        "",
        description="get_label: the label's id.",
        json_schema_extra=used_by("get_label", required=True),
    )
    label_name: str = Field(
        "",
        description="create_label: the new label's name (Parent/Child nests it).",
        json_schema_extra=used_by("create_label", required=True),
    )

    _lists = field_validator("to", "cc", "bcc", mode="before")(address_list)

    @field_validator("label_ids", mode="before")
    @classmethod
    def _label_ids(cls, value: Any) -> Any:
        return _ids(value)

    @field_validator("reply_to", mode="before")
    @classmethod
    def _reply_to(cls, value: Any) -> str:
        return value if isinstance(value, str) and "{{" in value else address(value)

    @field_validator("max_results")
    @classmethod
    def _max_results(cls, value: int | str) -> int | str:
        return number_or_template(value, 1)

    @field_validator("attachments", mode="before")
    @classmethod
    def _attachments(cls, value: Any) -> Any:
        return attachments.checked(value)

    @model_validator(mode="after")
    def _content(self) -> Self:
        if self.operation in SENDING and not self.text and not self.html:
            raise field_errors(self, {"text": "Give text, html or both."})
        if len(self.to) + len(self.cc) + len(self.bcc) > MAX_RECIPIENTS:
            raise field_errors(self, {"to": f"At most {MAX_RECIPIENTS} recipients in all."})
        return self


def _sender(box: Mailbox, config: Config) -> str:
    if not config.sender_name:
        return ""
    profile = box.call("GET", "profile", "users.getProfile")
    return f"{config.sender_name} <{profile.get('emailAddress', '')}>"


def _send(box: Mailbox, config: Config) -> dict[str, Any]:
    message = mime.compose(
        sender=_sender(box, config),
        to=config.to,
        cc=config.cc,
        bcc=config.bcc,
        subject=config.subject,
        text=config.text,
        html=config.html,
        reply_to=config.reply_to,
        attachments=attachments.read(config.attachments),
    )
    return box.call("POST", "messages/send", "messages.send", json={"raw": mime.raw(message)})


def _reply(box: Mailbox, config: Config) -> dict[str, Any]:
    """In the thread, to the sender (and the other recipients but the mailbox itself unless
    `reply_to_sender_only`), under the original subject, with In-Reply-To and References."""
    original = box.call(
        "GET",
        f"messages/{_id(config.message_id)}",
        "messages.get",
        params={"format": "metadata"},
    )
    own = str(box.call("GET", "profile", "users.getProfile").get("emailAddress", ""))
    to = [formataddr(entry) for entry in getaddresses([mime.header(original, "from")])]
    if not config.reply_to_sender_only:
        others = getaddresses([mime.header(original, "to")])
        to += [formataddr(e) for e in others if e[1] and e[1].lower() != own.lower()]
    message = mime.compose(
        sender=f"{config.sender_name} <{own}>" if config.sender_name else "",
        to=to,
        cc=config.cc,
        bcc=config.bcc,
        subject=mime.header(original, "subject"),
        text=config.text,
        html=config.html,
        in_reply_to=mime.header(original, "message-id"),
        attachments=attachments.read(config.attachments),
    )
    body = {"raw": mime.raw(message), "threadId": original.get("threadId")}
    return box.call("POST", "messages/send", "messages.send", json=body)


def _draft(box: Mailbox, config: Config) -> dict[str, Any]:
    message = mime.compose(
        sender=_sender(box, config),
        to=config.to,
        cc=config.cc,
        bcc=config.bcc,
        subject=config.subject,
        text=config.text,
        html=config.html,
        reply_to=config.reply_to,
        attachments=attachments.read(config.attachments),
    )
    draft: dict[str, Any] = {"raw": mime.raw(message)}
    if config.thread_id:
        draft["threadId"] = config.thread_id
    return box.call("POST", "drafts", "drafts.create", json={"message": draft})


def _id(value: str) -> str:
    return quote(value.strip(), safe="")


def label_names(box: Mailbox) -> dict[str, str]:
    answer = box.call("GET", "labels", "labels.list")
    return {str(label["id"]): str(label.get("name", "")) for label in answer.get("labels") or []}


def read_message(
    box: Mailbox, message_id: str, simple: bool, download: bool, labels: dict[str, str] | None
) -> dict[str, Any]:
    """One message in n8n's simple or parsed shape (`labels` names label ids for simple)."""
    path = f"messages/{_id(message_id)}"
    if simple:
        params = {"format": "metadata", "metadataHeaders": list(mime.METADATA_HEADERS)}
        message = box.call("GET", path, "messages.get", params=params)
        return mime.simplified(message, labels if labels is not None else label_names(box))
    message = box.call("GET", path, "messages.get", params={"format": "raw"})
    return mime.parsed(message, download)


def _listed(box: Mailbox, config: Config, what: str) -> list[dict[str, Any]]:
    """Up to max_results entries of messages.list, threads.list or drafts.list, page by page
    (drafts.list takes no labelIds)."""
    found: list[dict[str, Any]] = []
    token = ""
    wanted = _max_results(config)
    while len(found) < wanted:
        params: dict[str, Any] = {"maxResults": wanted - len(found)}
        if config.query:
            params["q"] = config.query
        if config.label_ids and what != "drafts":
            params["labelIds"] = config.label_ids
        if config.include_spam_trash:
            params["includeSpamTrash"] = "true"
        if token:
            params["pageToken"] = token
        answer = box.call("GET", what, f"{what}.list", params=params)
        found += answer.get(what) or []
        token = str(answer.get("nextPageToken") or "")
        if not token:
            break
    return found[:wanted]


def _max_results(config: Config) -> int:
    """max_results once filled in: a model asking its tool for more reads the most there is."""
    return min(filled_number(config.max_results, "max_results", 1), MAX_RESULTS)


def _get_many(box: Mailbox, config: Config) -> dict[str, Any]:
    listed = _listed(box, config, "messages")
    if config.ids_only:
        ids = [{"id": m.get("id"), "threadId": m.get("threadId")} for m in listed]
        return {"messages": ids, "count": len(ids)}
    labels = label_names(box) if config.simple and listed else None
    messages = [
        read_message(box, str(m["id"]), config.simple, config.download_attachments, labels)
        for m in listed
    ]
    return {"messages": messages, "count": len(messages)}


# --- seconds ---
def read_draft(
    box: Mailbox, draft_id: str, simple: bool, download: bool, labels: dict[str, str] | None
) -> dict[str, Any]:
    """One draft as n8n's Gmail node gives it: its message in the simple or parsed shape, with
    `id` the draft's id and `messageId` the message's (n8n's version 1 "Add the draft-id")."""
    params: dict[str, Any] = {"format": "metadata" if simple else "raw"}
    draft = box.call("GET", f"drafts/{_id(draft_id)}", "drafts.get", params=params)
    message = draft.get("message") or {}
    if simple:
        item = mime.simplified(message, labels if labels is not None else label_names(box))
    else:
        item = mime.parsed(message, download)
    return {**item, "id": draft.get("id"), "messageId": message.get("id")}


def _get_drafts(box: Mailbox, config: Config) -> dict[str, Any]:
    listed = _listed(box, config, "drafts")
    if config.ids_only:
        return {"drafts": listed, "count": len(listed)}
    labels = label_names(box) if config.simple and listed else None
    drafts = [
        read_draft(box, str(d["id"]), config.simple, config.download_attachments, labels)
        for d in listed
    ]
    return {"drafts": drafts, "count": len(drafts)}


# --- end seconds ---
def _thread(box: Mailbox, config: Config) -> dict[str, Any]:
    params: dict[str, Any] = {"format": "metadata" if config.simple else "full"}
    if config.simple:
        params["metadataHeaders"] = list(mime.METADATA_HEADERS)
    thread = box.call("GET", f"threads/{_id(config.thread_id)}", "threads.get", params=params)
    # n8n simplifies the thread's messages either way: label names, headers as fields.
    labels = label_names(box)
    thread["messages"] = [mime.simplified(m, labels) for m in thread.get("messages") or []]
    return thread


def _modify(box: Mailbox, kind: str, ident: str, add: list[str], remove: list[str]) -> Any:
    body = {"addLabelIds": add, "removeLabelIds": remove}
    return box.call("POST", f"{kind}/{_id(ident)}/modify", f"{kind}.modify", json=body)


def _message_action(box: Mailbox, config: Config) -> dict[str, Any]:
    op, ident = config.operation, config.message_id
    if op == "add_labels":
        return _modify(box, "messages", ident, config.label_ids, [])
    if op == "remove_labels":
        return _modify(box, "messages", ident, [], config.label_ids)
    if op == "mark_read":
        return _modify(box, "messages", ident, [], ["UNREAD"])
    if op == "mark_unread":
        return _modify(box, "messages", ident, ["UNREAD"], [])
    if op == "trash":
        return box.call("POST", f"messages/{_id(ident)}/trash", "messages.trash")
    box.call("DELETE", f"messages/{_id(ident)}", "messages.delete")
    return {"success": True}


def _thread_action(box: Mailbox, config: Config) -> dict[str, Any]:
    op, ident = config.operation, config.thread_id
    if op == "get_thread":
        return _thread(box, config)
    if op == "get_threads":
        threads = _listed(box, config, "threads")
        return {"threads": threads, "count": len(threads)}
    if op == "add_thread_labels":
        return _modify(box, "threads", ident, config.label_ids, [])
    if op == "remove_thread_labels":
        return _modify(box, "threads", ident, [], config.label_ids)
    return box.call("POST", f"threads/{_id(ident)}/trash", "threads.trash")


def _label_action(box: Mailbox, config: Config) -> dict[str, Any]:
    if config.operation == "list_labels":
        labels = box.call("GET", "labels", "labels.list").get("labels") or []
        labels = labels[: _max_results(config)]
        return {"labels": labels, "count": len(labels)}
    if config.operation == "get_label":
        return box.call("GET", f"labels/{_id(config.label_id)}", "labels.get")
    body = {
        "name": config.label_name,
        "labelListVisibility": "labelShow",
        "messageListVisibility": "show",
    }
    return box.call("POST", "labels", "labels.create", json=body)


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """send/reply: the sent message {id, threadId, labelIds}; create_draft: {id, message};
    get_draft: the draft's message with id (the draft's) and messageId; get_drafts: {drafts,
    count}; get: the message; get_many: {messages, count}; label changes: the message or thread's
    {id, threadId, labelIds}; get_threads: {threads, count}; list_labels: {labels, count}."""
    secret, _ = credential_for(ctx, config.operation, GmailOAuth2)
    box = Mailbox(secret)
    op = config.operation
    if op == "send":
        return _send(box, config)
    if op == "reply":
        return _reply(box, config)
    if op == "create_draft":
        return _draft(box, config)
    # --- seconds ---
    if op == "get_draft":
        return read_draft(box, config.draft_id, config.simple, config.download_attachments, None)
    if op == "get_drafts":
        return _get_drafts(box, config)
    # --- end seconds ---
    if op == "get":
        return read_message(
            box, config.message_id, config.simple, config.download_attachments, None
        )
    if op == "get_many":
        return _get_many(box, config)
    if op in MESSAGE_ACTIONS:
        return _message_action(box, config)
    if op in ("list_labels", "get_label", "create_label"):
        return _label_action(box, config)
    return _thread_action(box, config)


NODE = NodeType(
    type="app.gmail",
    label="Gmail",
    category="app",
    description="Sends, replies to, drafts, reads, labels, trashes and deletes Gmail messages "
    "and threads through the Gmail API, as the mailbox of your OAuth credential.",
    Config=Config,
    run=run,
    credential_kinds=(GmailOAuth2.kind,),
    icon="✉",
    examples=(
        (
            "Email the address from the webhook body a welcome message from my Gmail, credential 4",
            {
                "credential": 4,
                "operation": "send",
                "to": ["{{ trigger.body.email }}"],
                "subject": "Welcome, {{ trigger.body.name }}!",
                "html": "<p>Hi {{ trigger.body.name }}, your account is ready.</p>",
            },
        ),
        (
            "Reply only to the sender of the message the trigger found: 'Thanks, received.'",
            {
                "operation": "reply",
                "message_id": "{{ trigger.id }}",
                "text": "Thanks, received.",
                "reply_to_sender_only": True,
            },
        ),
        (
            "Draft an answer to ada@example.com in the trigger's thread for me to review",
            {
                "operation": "create_draft",
                "to": ["ada@example.com"],
                "subject": "Re: {{ trigger.subject }}",
                "text": "{{ nodes.writer.text }}",
                "thread_id": "{{ trigger.threadId }}",
            },
        ),
        (
            "Read the whole message 18c1f (text, HTML, sender) with its attachments",
            {
                "operation": "get",
                "message_id": "18c1f",
                "simple": False,
                "download_attachments": True,
            },
        ),
        (
            "Read my unread Gmail messages from the last day, whole (text and HTML)",
            {
                "operation": "get_many",
                "query": "is:unread newer_than:1d",
                "simple": False,
                "max_results": 20,
            },
        ),
        (
            "Label the message the trigger found as Label_12",
            {
                "operation": "add_labels",
                "message_id": "{{ trigger.id }}",
                "label_ids": ["Label_12"],
            },
        ),
        (
            "Take the message the trigger found out of the inbox (archive it)",
            {
                "operation": "remove_labels",
                "message_id": "{{ trigger.id }}",
                "label_ids": ["INBOX"],
            },
        ),
        (
            "Mark the message the trigger found as read",
            {"operation": "mark_read", "message_id": "{{ trigger.id }}"},
        ),
        ("Mark message 18c1f as unread again", {"operation": "mark_unread", "message_id": "18c1f"}),
        (
            "Move the message the trigger found to the trash",
            {"operation": "trash", "message_id": "{{ trigger.id }}"},
        ),
        ("Delete message 18c1f for good", {"operation": "delete", "message_id": "18c1f"}),
        (
            "Read the conversation of the message the trigger found",
            {"operation": "get_thread", "thread_id": "{{ trigger.threadId }}"},
        ),
        (
            "List my 10 newest conversations about invoices",
            {"operation": "get_threads", "query": "subject:invoice", "max_results": 10},
        ),
        (
            "Star the whole conversation of the trigger's message",
            {
                "operation": "add_thread_labels",
                "thread_id": "{{ trigger.threadId }}",
                "label_ids": ["STARRED"],
            },
        ),
        (
            "Mark the conversation 18c1e read",
            {"operation": "remove_thread_labels", "thread_id": "18c1e", "label_ids": ["UNREAD"]},
        ),
        (
            "Trash the conversation of the trigger's message",
            {"operation": "trash_thread", "thread_id": "{{ trigger.threadId }}"},
        ),
        (
            "Read my 10 newest drafts whole (text and HTML)",
            {"operation": "get_drafts", "simple": False, "max_results": 10},
        ),
        ("Show the draft r-5521", {"operation": "get_draft", "draft_id": "r-5521"}),
        ("List my Gmail labels with their ids", {"operation": "list_labels"}),
        ("Show the label Label_12", {"operation": "get_label", "label_id": "Label_12"}),
        (
            "Create the label Invoices/Paid",
            {"operation": "create_label", "label_name": "Invoices/Paid"},
        ),
    ),
)
