"""app.slack: post, update and upload to Slack with a bot token, or post through an incoming
webhook."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.operations import OperationConfig, json_list, used_by
from integrations.service import credential_for
from integrations.slack import web_api
from integrations.slack.credentials import BotToken, IncomingWebhook
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal["post_message", "update_message", "upload_text_file", "post_webhook_message"]
MESSAGES = ("post_message", "update_message", "post_webhook_message")


class Config(OperationConfig):
    credential: int | None = Field(
        None,
        ge=1,
        description="Your Slack credential: a Slack bot token for post_message, update_message "
        "and upload_text_file; a Slack incoming webhook for post_webhook_message. Needed to run.",
    )
    operation: Operation = Field(
        "post_message",
        description="post_message: post to a channel (or a thread). update_message: change a "
        "message the bot posted. upload_text_file: share text as a file in channels. "
        "post_webhook_message: post through an incoming webhook (its channel is fixed).",
    )
    channel: str = Field(
        "",
        description="Channel ID (C0123456789), channel name (#general) or user ID (for a direct "
        "message). The bot must be in the channel.",
        json_schema_extra=used_by("post_message", "update_message", required=True),
    )
    text: str = Field(
        "",
        description="The message in Slack mrkdwn (*bold*, <https://example.com|links>); with "
        "blocks it is the notification text. May use templates, e.g. "
        "'New order {{ trigger.body.id }}'.",
        json_schema_extra=used_by(*MESSAGES, required=True),
    )
    blocks: Any = Field(
        None,
        description='Optional Block Kit layout: a JSON list of blocks, e.g. [{"type": '
        '"section", "text": {"type": "mrkdwn", "text": "Hi"}}].',
        json_schema_extra=used_by(*MESSAGES),
    )
    thread_ts: str = Field(
        "",
        description="Optional: the ts of a message to reply to in its thread.",
        json_schema_extra=used_by("post_message"),
    )
    ts: str = Field(
        "",
        description="The ts of the message to update (post_message outputs it as ts).",
        json_schema_extra=used_by("update_message", required=True),
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


def _message(config: Config) -> dict[str, Any]:
    message: dict[str, Any] = {"text": config.text}
    if config.blocks:
        message["blocks"] = config.blocks
    return message


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
    """Slack's answer: for messages {ok, channel, ts, message}; for an upload {file_id,
    files}; through a webhook {ok, response}."""
    if config.operation == "post_webhook_message":
        secret, _ = credential_for(ctx, config.operation, IncomingWebhook)
        answer = web_api.post_webhook(secret, _message(config))
        return {"ok": answer == "ok", "response": answer}
    if config.operation == "upload_text_file":
        return _upload(config, ctx)
    secret, _ = credential_for(ctx, config.operation, BotToken)
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
    description="Posts, updates or uploads a text file to Slack with a bot token, or posts "
    "through an incoming webhook; outputs Slack's answer (channel and ts of the message).",
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
    ),
)
