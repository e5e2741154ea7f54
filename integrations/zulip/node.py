"""app.zulip: a message sent to a stream's topic or privately, updated, read or deleted, as
n8n's Zulip node does (its message resource)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from integrations.zulip import rest_api
from integrations.zulip.credentials import ApiKey
from workfuse.lib.node_run import RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "send_stream", "send_private", "get_message", "update_message", "delete_message"
]
BY_ID = ("get_message", "update_message", "delete_message")


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Zulip API key credential. Needed to run."
    )
    operation: Operation = Field(
        "send_stream",
        description="send_stream: post to a stream's topic. send_private: a direct message. "
        "get_message / update_message / delete_message: one message by id.",
    )
    stream: str = Field(
        "",
        description="send_stream: the stream's name.",
        json_schema_extra=used_by("send_stream", required=True),
    )
    topic: str = Field(
        "",
        description="send_stream: the topic.",
        json_schema_extra=used_by("send_stream", required=True),
    )
    to: list[str] = Field(
        default_factory=list,
        description="send_private: the recipients' email addresses.",
        json_schema_extra=used_by("send_private", required=True),
    )
    content: str = Field(
        "",
        description="The message, in Zulip's Markdown.",
        json_schema_extra=used_by(
            "send_stream",
            "send_private",
            "update_message",
            required=["send_stream", "send_private"],
        ),
    )
    message_id: str = Field(
        "",
        description="The message's id.",
        json_schema_extra=used_by(*BY_ID, required=True),
    )


def run(config: Config, ctx: RunContext) -> Any:
    """Zulip's answer, as n8n outputs it: `{id, msg, result}` for a message sent, the message
    ({message, raw_content, …}) for get, `{msg, result}` for update and delete."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    op = config.operation
    if op == "send_stream":
        form = {
            "type": "stream",
            "to": config.stream,
            "topic": config.topic,
            "content": config.content,
        }
        return rest_api.call(secret, "POST", "/messages", what=op, data=form)
    if op == "send_private":
        form = {"type": "private", "to": ",".join(config.to), "content": config.content}
        return rest_api.call(secret, "POST", "/messages", what=op, data=form)
    path = f"/messages/{config.message_id.strip()}"
    if op == "get_message":
        return rest_api.call(secret, "GET", path, what=op)
    if op == "update_message":
        form = {"content": config.content} if config.content else {}
        return rest_api.call(secret, "PATCH", path, what=op, data=form)
    return rest_api.call(secret, "DELETE", path, what=op)


NODE = NodeType(
    type="app.zulip",
    label="Zulip",
    category="app",
    description="Sends Zulip messages to a stream's topic or privately, and reads, edits or "
    "deletes a message.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="💬",
    examples=(
        (
            "Post the ticket summary to the topic tickets of the Zulip stream customer support "
            "with credential 5",
            {
                "credential": 5,
                "operation": "send_stream",
                "stream": "customer support",
                "topic": "tickets",
                "content": "Open: {{ nodes.summary.result.open }}",
            },
        ),
        (
            "Send ada@example.com a private Zulip message saying the deploy is done",
            {
                "operation": "send_private",
                "to": ["ada@example.com"],
                "content": "The deploy is done",
            },
        ),
        ("Read Zulip message 42", {"operation": "get_message", "message_id": "42"}),
        (
            "Change the text of Zulip message 42 to fixed",
            {"operation": "update_message", "message_id": "42", "content": "fixed"},
        ),
        ("Delete Zulip message 42", {"operation": "delete_message", "message_id": "42"}),
    ),
)
