"""app.slack: post, update, delete and search messages, upload, and read or change a user's
profile (status, names, custom fields) in Slack with a token, or post through an incoming
webhook."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
    "get_profile",
    "update_profile",
]
MESSAGES = ("post_message", "update_message", "post_webhook_message")
MAX_SEARCH = 100  # search.messages' largest page
PROFILE = ("get_profile", "update_profile")
# update_profile's fields -> users.profile.set's profile keys, sent when not empty.
PROFILE_TEXTS = {"first_name": "first_name", "last_name": "last_name", "email": "email"}


class Config(OperationConfig):
    credential: int | None = Field(
        None,
        ge=1,
        description="Your Slack credential: a Slack bot token for post_message, "
        "update_message, delete_message and upload_text_file (a user token, xoxp-…, with the "
        "search:read scope for search_messages: Slack lets only users search); a Slack "
        "incoming webhook for post_webhook_message. get_profile and update_profile act as the "
        "token's user: give a User OAuth Token (xoxp-…) with users.profile:read / "
        "users.profile:write. Needed to run.",
    )
    operation: Operation = Field(
        "post_message",
        description="post_message: post to a channel (or a thread). update_message: change a "
        "message the bot posted. delete_message: delete a message. search_messages: find "
        "messages matching a Slack search query. upload_text_file: share text as a file in "
        "channels. "
        "post_webhook_message: post through an incoming webhook (its channel is fixed). "
        "get_profile: read a user's profile (status, names, custom fields). update_profile: "
        "set the status or other profile fields of the token's user.",
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

    user: str = Field(
        "",
        description="get_profile: the ID of the user whose profile to read (U0123456789; "
        "empty: the token's user). update_profile: the user to change (empty: the token's "
        "user; only admins of paid workspaces may change someone else).",
        examples=["U0123456789"],
        json_schema_extra=used_by(*PROFILE),
    )
    include_labels: bool = Field(
        False,
        description="get_profile: also give each custom field's label.",
        json_schema_extra=used_by("get_profile"),
    )
    status_text: str = Field(
        "",
        description="update_profile: the status text, up to 100 characters, e.g. "
        "'In a meeting' (empty: left as it is).",
        json_schema_extra=used_by("update_profile"),
    )
    status_emoji: str = Field(
        "",
        description="update_profile: the status emoji, e.g. :calendar: (empty: left as it is).",
        examples=[":calendar:"],
        json_schema_extra=used_by("update_profile"),
    )
    status_expiration: str = Field(
        "",
        description="update_profile: when the status clears, a date-time (ISO 8601) or Unix "
        "seconds (empty: it does not expire).",
        examples=["2026-12-24T18:00:00"],
        json_schema_extra=used_by("update_profile"),
    )
    time_zone: str = Field(
        "UTC",
        description="update_profile: the IANA time zone of a status_expiration written "
        "without an offset, e.g. Europe/Berlin.",
        examples=["Europe/Berlin"],
        json_schema_extra=used_by("update_profile"),
    )
    clear_status: bool = Field(
        False,
        description="update_profile: clear the status (its text, emoji and expiration).",
        json_schema_extra=used_by("update_profile"),
    )
    first_name: str = Field(
        "",
        description="update_profile: the new first name (empty: left as it is).",
        json_schema_extra=used_by("update_profile"),
    )
    last_name: str = Field(
        "",
        description="update_profile: the new last name (empty: left as it is).",
        json_schema_extra=used_by("update_profile"),
    )
    email: str = Field(
        "",
        description="update_profile: the new email address (only admins of paid workspaces "
        "may change it; empty: left as it is).",
        examples=["ada@example.com"],
        json_schema_extra=used_by("update_profile"),
    )
    custom_fields: list[dict[str, str]] = Field(
        default_factory=list,
        description="update_profile: custom profile fields to set, each its ID, value and "
        'optional alternative text: {"id": "Xf0123ABCD", "value": "Engineering", "alt": ""}.',
        examples=[[{"id": "Xf0123ABCD", "value": "Engineering", "alt": ""}]],
        json_schema_extra=used_by("update_profile"),
    )

    @field_validator("custom_fields")
    @classmethod
    def _custom_fields(cls, value: list[dict[str, str]]) -> list[dict[str, str]]:
        for entry in value:
            if not entry.get("id") or set(entry) - {"id", "value", "alt"}:
                raise ValueError(
                    'Each custom field is {"id": "Xf0123ABCD", "value": "…", "alt": "…"}, '
                    "with its ID."
                )
        return value

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


def _expiration(config: Config) -> int:
    """status_expiration as Unix seconds (0: never), read in time_zone without an offset."""
    text = config.status_expiration.strip()
    if not text or text.isdigit():
        return int(text or 0)
    try:
        zone = ZoneInfo(config.time_zone.strip() or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise NodeError(
            f"time_zone “{config.time_zone}” is not an IANA time zone (e.g. Europe/Berlin)."
        ) from None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise NodeError(
            f"status_expiration must be a date-time or Unix seconds, not “{text}”."
        ) from None
    return int((when if when.tzinfo else when.replace(tzinfo=zone)).astimezone(UTC).timestamp())


def profile_body(config: Config) -> dict[str, Any]:
    """users.profile.set's JSON: the profile keys update_profile sets, and the user when one
    is named. A status goes with its expiration (0: it does not expire), as n8n sends it."""
    profile: dict[str, Any] = {}
    if config.clear_status:
        profile.update(status_text="", status_emoji="", status_expiration=0)
    elif config.status_text or config.status_emoji or config.status_expiration.strip():
        if config.status_text:
            profile["status_text"] = config.status_text
        if config.status_emoji:
            profile["status_emoji"] = config.status_emoji
        profile["status_expiration"] = _expiration(config)
    for field, key in PROFILE_TEXTS.items():
        if value := getattr(config, field).strip():
            profile[key] = value
    if config.custom_fields:
        profile["fields"] = {
            f["id"]: {"value": f.get("value", ""), "alt": f.get("alt", "")}
            for f in config.custom_fields
        }
    if not profile:
        raise NodeError(
            "update_profile has nothing to change: set a status, a name, an email or custom "
            "fields (or clear_status)."
        )
    body: dict[str, Any] = {"profile": profile}
    if config.user.strip():
        body["user"] = config.user.strip()
    return body


def _profile(config: Config, ctx: RunContext) -> dict[str, Any]:
    """The profile Slack answers with (n8n's output: the profile object itself)."""
    secret, _ = credential_for(ctx, config.operation, BotToken)
    if config.operation == "update_profile":
        answer = web_api.call(secret, "users.profile.set", json=profile_body(config))
    else:
        form = {"user": config.user.strip()} if config.user.strip() else {}
        if config.include_labels:
            form["include_labels"] = "true"
        answer = web_api.call(secret, "users.profile.get", data=form)
    profile = answer.get("profile")
    return profile if isinstance(profile, dict) else {}


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
    ts}; for a search {matches, count, total}; for an upload {file_id, files}; for a profile
    the profile itself (status_text, status_emoji, first_name, fields, …); through a webhook
    {ok, response}."""
    if config.operation == "post_webhook_message":
        secret, _ = credential_for(ctx, config.operation, IncomingWebhook)
        answer = web_api.post_webhook(secret, _message(config))
        return {"ok": answer == "ok", "response": answer}
    if config.operation == "upload_text_file":
        return _upload(config, ctx)
    if config.operation == "search_messages":
        return _search(config, ctx)
    if config.operation in PROFILE:
        return _profile(config, ctx)
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
    description="Posts, updates, deletes or searches Slack messages, uploads a text file or "
    "reads or changes a user's profile (status) with a token, or posts through an incoming "
    "webhook; outputs Slack's answer (channel and ts of the message; the profile).",
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
        (
            "Set my Slack status to the meeting's title with :calendar: until 18:00 on "
            "24 December 2026 (credential 11)",
            {
                "credential": 11,
                "operation": "update_profile",
                "status_text": "{{ trigger.body.summary }}",
                "status_emoji": ":calendar:",
                "status_expiration": "2026-12-24T18:00:00",
            },
        ),
        (
            "Read the Slack profile of user U0123456789",
            {"operation": "get_profile", "user": "U0123456789"},
        ),
    ),
)
