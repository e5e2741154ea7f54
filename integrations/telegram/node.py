"""app.telegram: send a message as a Telegram bot."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from integrations.telegram import bot_api
from integrations.telegram.credentials import BotToken
from workfuse.lib.node_run import RunContext
from workfuse.lib.node_types import NodeType

MAX_TEXT = 4096  # Telegram's limit for a message's text


def _as_text(value: Any) -> Any:
    # A chat id read by a template (`{{ trigger.body.chat.id }}`) arrives as a number.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Telegram bot token credential. Needed to run."
    )
    operation: Literal["send_message"] = Field(
        "send_message", description="send_message: the bot sends a text message to a chat."
    )
    chat_id: str = Field(
        "",
        description="The chat: its numeric id (-1001234567890 for a group) or @channelusername. "
        "The person must have started the bot, or the bot must be in the group or channel.",
        json_schema_extra=used_by("send_message", required=True),
    )
    text: str = Field(
        "",
        max_length=MAX_TEXT,
        description="The message (up to 4096 characters); may use templates, e.g. 'Order "
        "{{ trigger.body.id }} shipped'.",
        json_schema_extra=used_by("send_message", required=True),
    )
    parse_mode: Literal["", "HTML", "MarkdownV2", "Markdown"] = Field(
        "",
        description="How Telegram reads the text's formatting: empty (plain text), HTML "
        "(<b>bold</b>), MarkdownV2 (*bold*, special characters escaped) or the legacy Markdown.",
        json_schema_extra=used_by("send_message"),
    )

    @field_validator("chat_id", mode="before")
    @classmethod
    def _chat(cls, value: Any) -> Any:
        return _as_text(value)


def run(config: Config, ctx: RunContext) -> Any:
    """The message Telegram sent: {message_id, chat, date, text, ...}."""
    secret, _ = credential_for(ctx, config.operation, BotToken)
    payload: dict[str, Any] = {"chat_id": config.chat_id, "text": config.text}
    if config.parse_mode:
        payload["parse_mode"] = config.parse_mode
    return bot_api.call(secret, "sendMessage", payload)


NODE = NodeType(
    type="app.telegram",
    label="Telegram",
    category="app",
    description="Sends a text message as your Telegram bot to a person, group or channel; "
    "outputs the message Telegram sent.",
    Config=Config,
    run=run,
    credential_kinds=(BotToken.kind,),
    icon="✈",
    examples=(
        (
            "Message the Telegram chat from the webhook body that order <id> shipped, the id "
            "in bold, with credential 5",
            {
                "credential": 5,
                "operation": "send_message",
                "chat_id": "{{ trigger.body.chat_id }}",
                "text": "Order <b>{{ trigger.body.id }}</b> shipped",
                "parse_mode": "HTML",
            },
        ),
        (
            "Post the summary from the summarise node to the @ops_news channel",
            {
                "operation": "send_message",
                "chat_id": "@ops_news",
                "text": "{{ nodes.summarise.response }}",
            },
        ),
    ),
)
