"""app.slack: post, update, delete and search messages and upload to Slack with a token, or
post through an incoming webhook."""

from __future__ import annotations

import json
from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from integrations.operations import OperationConfig, field_errors, json_list, used_by
from integrations.service import credential_for
from integrations.slack import web_api
from integrations.slack.credentials import BotToken, IncomingWebhook
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "post_message",
    "update_message",
    "delete_message",
    "search_messages",
    "upload_text_file",
    "post_webhook_message",
]
MESSAGES = ("post_message", "update_message", "post_webhook_message")
MAX_SEARCH = 100  # search.messages' largest page


class Config(OperationConfig):
    credential: int | None = Field(
        None,
        ge=1,
        description="Your Slack credential: a Slack bot token for post_message, "
        "update_message, delete_message and upload_text_file (a user token, xoxp-…, with the "
        "search:read scope for search_messages: Slack lets only users search); a Slack "
        "incoming webhook for post_webhook_message. Needed to run.",
    )
    operation: Operation = Field(
        "post_message",
        description="post_message: post to a channel (or a thread). update_message: change a "
        "message the bot posted. delete_message: delete a message. search_messages: find "
        "messages matching a Slack search query. upload_text_file: share text as a file in "
        "channels. "
        "post_webhook_message: post through an incoming webhook (its channel is fixed).",
    )
    channel: str = Field(
        "",
        description="Channel ID (C0123456789), channel name (#general) or user ID (for a direct "
        "message). The bot must be in the channel.",
        json_schema_extra=used_by(
            "post_message", "update_message", "delete_message", required=True
        ),
    )
    text: str = Field(
        "",
        description="The message in Slack mrkdwn (*bold*, <https://example.com|links>); with "
        "blocks it is the notification text. May use templates, e.g. "
        "'New order {{ trigger.body.id }}'.",
        json_schema_extra=used_by(*MESSAGES),
    )
    blocks: Any = Field(
        None,
        description='Optional Block Kit layout: a JSON list of blocks, e.g. [{"type": '
        '"section", "text": {"type": "mrkdwn", "text": "Hi"}}].',
        json_schema_extra=used_by(*MESSAGES),
    )
    attachments: Any = Field(
        None,
        description='Optional legacy attachments: a JSON list, e.g. [{"color": "#FFBF00", '
        '"title": "Invoice", "text": "Due today", "fields": [{"title": "Amount", "value": '
        '"42", "short": true}]}]. Block Kit blocks are the modern way.',
        json_schema_extra=used_by(*MESSAGES),
    )
    thread_ts: str = Field(
        "",
        description="Optional: the ts of a message to reply to in its thread.",
        json_schema_extra=used_by("post_message"),
    )
    ts: str = Field(
        "",
        description="The ts of the message to update or delete (post_message outputs it as ts).",
        json_schema_extra=used_by("update_message", "delete_message", required=True),
    )
    query: str = Field(
        "",
        description="search_messages: a Slack search query, e.g. 'invoice in:#billing "
        "from:@ada after:2024-05-01'.",
        json_schema_extra=used_by("search_messages", required=True),
    )
    count: int = Field(
        20,
        ge=1,
        le=MAX_SEARCH,
        description="search_messages: how many matches to return, 1 to 100.",
        json_schema_extra=used_by("search_messages"),
    )
    sort: Literal["timestamp", "score"] = Field(
        "timestamp",
        description="search_messages: newest or oldest first by time (timestamp), or by "
        "relevance (score).",
        json_schema_extra=used_by("search_messages"),
    )
    sort_dir: Literal["desc", "asc"] = Field(
        "desc",
        description="search_messages: desc (newest or best first) or asc.",
        json_schema_extra=used_by("search_messages"),
    )
    channels: list[str] = Field(
        default_factory=list,
        description="Channel IDs to share the file in (C0123456789).",
        json_schema_extra=used_by("upload_text_file", required=True),
    )
    filename: str = Field(
        "",
        description="The file's name, e.g. report.csv.",
        json_schema_extra=used_by("upload_text_file", required=True),
    )
    content: str = Field(
        "",
        description="The file's text, e.g. '{{ nodes.report.result }}'.",
        json_schema_extra=used_by("upload_text_file", required=True),
    )
    title: str = Field(
        "",
        description="Optional title shown for the file (default: its name).",
        json_schema_extra=used_by("upload_text_file"),
    )

    @field_validator("blocks", mode="before")
    @classmethod
    def _blocks(cls, value: Any) -> Any:
        return json_list(value, "Block Kit blocks")

    @field_validator("attachments", mode="before")
    @classmethod
    def _attachments(cls, value: Any) -> Any:
        return json_list(value, "attachments")

    @model_validator(mode="after")
    def _text(self) -> Self:
        # Slack takes a message of attachments or blocks alone (quality: as n8n's Slack node
        # sends blocks with an empty notification text); otherwise the text is the message.
        if self.operation in MESSAGES and not (self.text or self.attachments or self.blocks):
            raise field_errors(self, {"text": f"Needed for the {self.operation} operation."})
        return self


def _message(config: Config) -> dict[str, Any]:
    # A message of blocks or attachments alone has no text (quality).
    message: dict[str, Any] = {"text": config.text} if config.text else {}
    if config.blocks:
        message["blocks"] = config.blocks
    if config.attachments:
        message["attachments"] = config.attachments
    return message


def _search(config: Config, ctx: RunContext) -> dict[str, Any]:
    secret, _ = credential_for(ctx, config.operation, BotToken)
    form = {
        "query": config.query,
        "count": str(config.count),
        "sort": config.sort,
        "sort_dir": config.sort_dir,
    }
    answer = web_api.call(secret, "search.messages", data=form)
    found = answer.get("messages")
    messages: dict[str, Any] = found if isinstance(found, dict) else {}
    matches = messages.get("matches") or []
    return {"matches": matches, "count": len(matches), "total": messages.get("total", 0)}


def _upload(config: Config, ctx: RunContext) -> dict[str, Any]:
    """Slack's upload flow: ask for an upload URL, send the bytes there, then complete the
    upload, which shares the file in the channels."""
    secret, _ = credential_for(ctx, config.operation, BotToken)
    data = config.content.encode()
    started = web_api.call(
        secret,
        "files.getUploadURLExternal",
        data={"filename": config.filename, "length": str(len(data))},
    )
    file_id = str(started.get("file_id") or "")
    upload_url = str(started.get("upload_url") or "")
    if not file_id or not upload_url:
        raise NodeError("Slack's files.getUploadURLExternal answer had no upload URL.")
    web_api.upload(secret, upload_url, data)
    files = [{"id": file_id, "title": config.title or config.filename}]
    done = web_api.call(
        secret,
        "files.completeUploadExternal",
        data={"files": json.dumps(files), "channels": ",".join(config.channels)},
    )
    return {"file_id": file_id, "files": done.get("files", [])}


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """Slack's answer: for messages {ok, channel, ts, message}; for a delete {ok, channel,
    ts}; for a search {matches, count, total}; for an upload {file_id, files}; through a
    webhook {ok, response}."""
    if config.operation == "post_webhook_message":
        secret, _ = credential_for(ctx, config.operation, IncomingWebhook)
        answer = web_api.post_webhook(secret, _message(config))
        return {"ok": answer == "ok", "response": answer}
    if config.operation == "upload_text_file":
        return _upload(config, ctx)
    if config.operation == "search_messages":
        return _search(config, ctx)
    secret, _ = credential_for(ctx, config.operation, BotToken)
    if config.operation == "delete_message":
        return web_api.call(
            secret, "chat.delete", json={"channel": config.channel, "ts": config.ts}
        )
    body = {"channel": config.channel, **_message(config)}
    if config.operation == "update_message":
        return web_api.call(secret, "chat.update", json={**body, "ts": config.ts})
    if config.thread_ts:
        body["thread_ts"] = config.thread_ts
    return web_api.call(secret, "chat.postMessage", json=body)


NODE = NodeType(
    type="app.slack",
    label="Slack",
    category="app",
    description="Posts, updates, deletes or searches Slack messages or uploads a text file "
    "with a token, or posts through an incoming webhook; outputs Slack's answer (channel and "
    "ts of the message).",
    Config=Config,
    run=run,
    credential_kinds=(BotToken.kind, IncomingWebhook.kind),
    icon="✱",
    examples=(
        (
            "Post the new order's id and the customer's email from the webhook to #orders, "
            "with credential 4",
            {
                "credential": 4,
                "operation": "post_message",
                "channel": "#orders",
                "text": "New order {{ trigger.body.id }} from {{ trigger.body.email }}",
            },
        ),
        (
            "Reply 'Resolved' in the thread of the message post_alert sent",
            {
                "operation": "post_message",
                "channel": "{{ nodes.post_alert.channel }}",
                "thread_ts": "{{ nodes.post_alert.ts }}",
                "text": "Resolved",
            },
        ),
        (
            "Change the message post_alert sent to say the incident is closed",
            {
                "operation": "update_message",
                "channel": "{{ nodes.post_alert.channel }}",
                "ts": "{{ nodes.post_alert.ts }}",
                "text": "Incident closed",
            },
        ),
        (
            "Share the CSV from the report node as report.csv in channel C0123456789",
            {
                "operation": "upload_text_file",
                "channels": ["C0123456789"],
                "filename": "report.csv",
                "content": "{{ nodes.report.result }}",
            },
        ),
        (
            "Post the alert's title through our Slack incoming webhook (credential 9)",
            {
                "credential": 9,
                "operation": "post_webhook_message",
                "text": ":rotating_light: {{ trigger.body.title }}",
            },
        ),
        (
            "Delete the message post_alert sent",
            {
                "operation": "delete_message",
                "channel": "{{ nodes.post_alert.channel }}",
                "ts": "{{ nodes.post_alert.ts }}",
            },
        ),
        (
            "Find the 10 newest messages about invoices in #billing (a user token, credential 11)",
            {
                "credential": 11,
                "operation": "search_messages",
                "query": "invoice in:#billing",
                "count": 10,
            },
        ),
    ),
)
