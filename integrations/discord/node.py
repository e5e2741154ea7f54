"""app.discord: post a message to a Discord channel through its webhook, with files attached."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from integrations.discord import webhook_api
from integrations.discord.credentials import Webhook
from integrations.operations import OperationConfig, field_errors, json_list, used_by
from integrations.service import credential_for
from workfuse.lib.files import FileError, is_file, read
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

MAX_CONTENT = 2000  # Discord's limit for a message's content
MAX_EMBEDS = 10
MAX_FILES = 10  # Discord's limit of attachments on one message


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
        "e.g. 'New sign-up: {{ trigger.body.email }}'. Needed unless embeds or files are given.",
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

    files: Any = Field(
        None,
        description="Optional files to attach (up to 10): a file from an earlier step, e.g. "
        "'{{ nodes.download.file }}', or a list of them, e.g. "
        "'{{ [nodes.chart.file, nodes.report.file] }}'.",
        json_schema_extra=used_by("send_message"),
    )

    @field_validator("embeds", mode="before")
    @classmethod
    def _embeds(cls, value: Any) -> Any:
        value = json_list(value, "embeds")
        if isinstance(value, list) and len(value) > MAX_EMBEDS:
            raise ValueError(f"Discord takes at most {MAX_EMBEDS} embeds per message")
        return value

    @field_validator("files", mode="before")
    @classmethod
    def _files(cls, value: Any) -> Any:
        value = json_list([value] if is_file(value) else value, "files")
        if not isinstance(value, list):
            return value
        if len(value) > MAX_FILES:
            raise ValueError(f"Discord takes at most {MAX_FILES} files per message")
        for index, entry in enumerate(value):
            if not is_file(entry):
                raise ValueError(
                    f"file {index + 1} is not a file (an object with filename, content_type "
                    "and base64 content, as a step that downloads or makes a file outputs)"
                )
        return value

    @model_validator(mode="after")
    def _something_to_send(self) -> Self:
        if not self.content and not self.embeds and not self.files:
            raise field_errors(
                self, {"content": "Needed for send_message, unless embeds or files are given."}
            )
        return self


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """The message Discord created: {id, channel_id, content, embeds, attachments, timestamp,
    ...}; each attached file is in attachments with the URL Discord serves it from."""
    secret, _ = credential_for(ctx, config.operation, Webhook)
    message: dict[str, Any] = {"content": config.content}
    if config.username:
        message["username"] = config.username
    if config.embeds:
        message["embeds"] = config.embeds
    try:
        uploads = [read(value, f"files[{i}]") for i, value in enumerate(config.files or [])]
    except FileError as error:
        raise NodeError(str(error)) from None
    return webhook_api.execute(secret, message, uploads)


NODE = NodeType(
    type="app.discord",
    label="Discord",
    category="app",
    description="Posts a message (text, optional sender name, embeds and attached files) to a "
    "Discord channel through its webhook; outputs the message Discord created.",
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
        (
            "Post the banner the 'download' step fetched to Discord with 'New banner'",
            {
                "operation": "send_message",
                "content": "New banner",
                "files": "{{ nodes.download.file }}",
            },
        ),
    ),
)
