"""app.discord: post a message to a Discord channel through its webhook."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from integrations.discord import webhook_api
from integrations.discord.credentials import Webhook
from integrations.operations import OperationConfig, field_errors, json_list, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import RunContext
from workfuse.lib.node_types import NodeType

MAX_CONTENT = 2000  # Discord's limit for a message's content
MAX_EMBEDS = 10


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Discord webhook credential. Needed to run."
    )
    operation: Literal["send_message"] = Field(
        "send_message", description="send_message: post a message to the webhook's channel."
    )
    content: str = Field(
        "",
        max_length=MAX_CONTENT,
        description="The message (Discord markdown, up to 2000 characters); may use templates, "
        "e.g. 'New sign-up: {{ trigger.body.email }}'. Needed unless embeds are given.",
        json_schema_extra=used_by("send_message"),
    )
    username: str = Field(
        "",
        max_length=80,
        description="Optional: the name shown as the sender (default: the webhook's name).",
        json_schema_extra=used_by("send_message"),
    )
    embeds: Any = Field(
        None,
        description='Optional rich embeds: a JSON list of up to 10, e.g. [{"title": "Order '
        '42", "description": "Paid", "color": 5763719}].',
        json_schema_extra=used_by("send_message"),
    )

    @field_validator("embeds", mode="before")
    @classmethod
    def _embeds(cls, value: Any) -> Any:
        value = json_list(value, "embeds")
        if isinstance(value, list) and len(value) > MAX_EMBEDS:
            raise ValueError(f"Discord takes at most {MAX_EMBEDS} embeds per message")
        return value

    @model_validator(mode="after")
    def _something_to_send(self) -> Self:
        if not self.content and not self.embeds:
            raise field_errors(
                self, {"content": "Needed for send_message, unless embeds are given."}
            )
        return self


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """The message Discord created: {id, channel_id, content, embeds, timestamp, ...}."""
    secret, _ = credential_for(ctx, config.operation, Webhook)
    message: dict[str, Any] = {"content": config.content}
    if config.username:
        message["username"] = config.username
    if config.embeds:
        message["embeds"] = config.embeds
    return webhook_api.execute(secret, message)


NODE = NodeType(
    type="app.discord",
    label="Discord",
    category="app",
    description="Posts a message (text, optional sender name and embeds) to a Discord channel "
    "through its webhook; outputs the message Discord created.",
    Config=Config,
    run=run,
    credential_kinds=(Webhook.kind,),
    icon="◉",
    examples=(
        (
            "Tell the Discord channel about the new sign-up's email, as 'Signup bot'",
            {
                "operation": "send_message",
                "content": "New sign-up: {{ trigger.body.email }}",
                "username": "Signup bot",
            },
        ),
        (
            "Post an embed titled with the order id and its total as description, credential 2",
            {
                "credential": 2,
                "operation": "send_message",
                "embeds": [
                    {
                        "title": "Order {{ trigger.body.id }}",
                        "description": "Total: {{ trigger.body.total }}",
                    }
                ],
            },
        ),
    ),
)
