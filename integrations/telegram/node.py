"""app.telegram: a Telegram bot sends, edits and deletes messages, sends photos, documents,
audio and video, shows a chat action, reads a chat and downloads a file sent to it."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from integrations.operations import OperationConfig, field_errors, json_object, used_by
from integrations.service import credential_for
from integrations.telegram import bot_api
from integrations.telegram.credentials import BotToken
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

MAX_TEXT = 4096  # Telegram's limit for a message's text
MAX_CAPTION = 1024  # and for a media caption
Operation = Literal[
    "send_message",
    "send_photo",
    "send_document",
    "send_audio",
    "send_video",
    "edit_message_text",
    "delete_message",
    "send_chat_action",
    "get_chat",
    "get_file",
]
# operation -> (Bot API method, the parameter carrying the file)
MEDIA = {
    "send_photo": ("sendPhoto", "photo"),
    "send_document": ("sendDocument", "document"),
    "send_audio": ("sendAudio", "audio"),
    "send_video": ("sendVideo", "video"),
}
SENDS = ("send_message", *MEDIA)
TEXTS = ("send_message", "edit_message_text")
FORMATTED = (*SENDS, "edit_message_text")
CHATS = (*SENDS, "edit_message_text", "delete_message", "send_chat_action", "get_chat")
CHAT_ACTIONS = (
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
)


def _as_text(value: Any) -> Any:
    # A chat id read by a template (`{{ trigger.body.chat.id }}`) arrives as a number.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Telegram bot token credential. Needed to run."
    )
    operation: Operation = Field(
        "send_message",
        description="send_message: send a text message. send_photo, send_document, "
        "send_audio, send_video: send a file (a URL, a Telegram file_id or a file from an "
        "earlier step). edit_message_text: change a message the bot sent. delete_message: "
        "delete a message. send_chat_action: show 'typing…' (or another action) for 5 seconds. "
        "get_chat: read a chat's details. get_file: download a file someone sent the bot.",
    )
    chat_id: str = Field(
        "",
        description="The chat: its numeric id (-1001234567890 for a group) or @channelusername. "
        "The person must have started the bot, or the bot must be in the group or channel.",
        json_schema_extra=used_by(*CHATS, required=True),
    )
    text: str = Field(
        "",
        max_length=MAX_TEXT,
        description="The message (up to 4096 characters); may use templates, e.g. 'Order "
        "{{ trigger.body.id }} shipped'.",
        json_schema_extra=used_by(*TEXTS, required=True),
    )
    file: Any = Field(
        None,
        description="What to send: a URL Telegram fetches (https://…/photo.jpg), the file_id "
        "of a file Telegram already has, or a file from an earlier step, e.g. "
        "'{{ nodes.download.file }}' (uploaded).",
        json_schema_extra=used_by(*MEDIA, required=True),
    )
    caption: str = Field(
        "",
        max_length=MAX_CAPTION,
        description="Optional text under the file (up to 1024 characters).",
        json_schema_extra=used_by(*MEDIA),
    )
    parse_mode: Literal["", "HTML", "MarkdownV2", "Markdown"] = Field(
        "",
        description="How Telegram reads the text's (or caption's) formatting: empty (plain "
        "text), HTML (<b>bold</b>), MarkdownV2 (*bold*, special characters escaped) or the "
        "legacy Markdown.",
        json_schema_extra=used_by(*FORMATTED),
    )
    disable_web_page_preview: bool = Field(
        False,
        description="Send links without their preview.",
        json_schema_extra=used_by(*TEXTS),
    )
    reply_to_message_id: str = Field(
        "",
        description="Optional: the message_id of a message in the chat to answer.",
        json_schema_extra=used_by(*SENDS),
    )
    disable_notification: bool = Field(
        False,
        description="Deliver silently: recipients get no sound.",
        json_schema_extra=used_by(*SENDS),
    )
    reply_markup: Any = Field(
        None,
        description="Optional buttons, as Telegram's reply_markup JSON: an inline keyboard "
        '{"inline_keyboard": [[{"text": "Approve", "callback_data": "approve"}]]}, a reply '
        'keyboard {"keyboard": [[{"text": "Yes"}]]}, {"force_reply": true} or '
        '{"remove_keyboard": true}. edit_message_text takes an inline keyboard only.',
        json_schema_extra=used_by(*FORMATTED),
    )
    message_id: str = Field(
        "",
        description="The message's message_id (a send outputs it as message_id).",
        json_schema_extra=used_by("edit_message_text", "delete_message", required=True),
    )
    action: str = Field(
        "typing",
        description="What the chat shows for up to 5 seconds, or until the bot sends a "
        f"message: {', '.join(CHAT_ACTIONS)}; may be a template.",
        json_schema_extra={**used_by("send_chat_action"), "examples": ["typing"]},
    )
    file_id: str = Field(
        "",
        description="The file's file_id, from the message that carried it, e.g. "
        "'{{ trigger.body.message.voice.file_id }}'. Bots can download files up to 20 MB.",
        json_schema_extra=used_by("get_file", required=True),
    )
    download: bool = Field(
        True,
        description="Download the file into the output's file (else only its details).",
        json_schema_extra=used_by("get_file"),
    )

    @field_validator("chat_id", "message_id", "reply_to_message_id", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        return _as_text(value)

    @field_validator("action")
    @classmethod
    def _action(cls, value: str) -> str:
        if value not in CHAT_ACTIONS and "{{" not in value and "{%" not in value:
            raise ValueError(f"must be one of {', '.join(CHAT_ACTIONS)}")
        return value

    @field_validator("reply_markup", mode="before")
    @classmethod
    def _markup(cls, value: Any) -> Any:
        return json_object(value, "Telegram reply markup")

    @model_validator(mode="after")
    def _edit_keyboard(self) -> Self:
        markup = self.reply_markup
        if (
            self.operation == "edit_message_text"
            and isinstance(markup, dict)
            and set(markup) != {"inline_keyboard"}
        ):
            raise field_errors(
                self, {"reply_markup": "An edited message can carry an inline keyboard only."}
            )
        return self


def _options(config: Config, payload: dict[str, Any]) -> dict[str, Any]:
    """The settings every send shares, where they are set."""
    if config.parse_mode:
        payload["parse_mode"] = config.parse_mode
    if config.reply_to_message_id and config.operation in SENDS:
        payload["reply_to_message_id"] = config.reply_to_message_id
    if config.disable_notification and config.operation in SENDS:
        payload["disable_notification"] = True
    if config.disable_web_page_preview and config.operation in TEXTS:
        payload["disable_web_page_preview"] = True
    if config.reply_markup:
        payload["reply_markup"] = config.reply_markup
    return payload


def _send_media(secret: Secret, config: Config) -> Any:
    method, name = MEDIA[config.operation]
    payload = _options(config, {"chat_id": config.chat_id})
    if config.caption:
        payload["caption"] = config.caption
    value = config.file
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and value.strip():
        payload[name] = value.strip()  # a URL or a file_id: Telegram fetches or reuses it
        return bot_api.call(secret, method, payload)
    try:
        upload = files.read(value, "file")
    except files.FileError as error:
        raise NodeError(
            f"{error} A URL or a Telegram file_id (as text) works too.",
        ) from None
    return bot_api.call(secret, method, payload, upload=(name, upload))


def _get_file(secret: Secret, config: Config) -> dict[str, Any]:
    found = bot_api.call(secret, "getFile", {"file_id": config.file_id})
    details = dict(found) if isinstance(found, dict) else {}
    if not config.download:
        return details
    path = str(details.get("file_path") or "")
    if not path:
        raise NodeError(
            "Telegram gave no file_path for that file: bots can download files up to 20 MB."
        )
    data = bot_api.download(secret, path)
    try:
        made = files.make(data, path.rsplit("/", 1)[-1], where="the Telegram file")
    except files.FileError as error:
        raise NodeError(str(error)) from None
    return {**details, "file": made.value()}


def run(config: Config, ctx: RunContext) -> Any:
    """Sends and edits: the message Telegram sent ({message_id, chat, date, text or photo/
    document/audio/video, ...}). delete_message and send_chat_action: Telegram's answer {ok,
    result: true}. get_chat: the chat. get_file: {file_id, file_unique_id, file_size,
    file_path} and, downloaded, the file as `file`."""
    secret, _ = credential_for(ctx, config.operation, BotToken)
    op = config.operation
    if op == "send_message":
        payload = {"chat_id": config.chat_id, "text": config.text}
        return bot_api.call(secret, "sendMessage", _options(config, payload))
    if op in MEDIA:
        return _send_media(secret, config)
    if op == "edit_message_text":
        payload = {"chat_id": config.chat_id, "message_id": config.message_id, "text": config.text}
        return bot_api.call(secret, "editMessageText", _options(config, payload))
    if op == "delete_message":
        payload = {"chat_id": config.chat_id, "message_id": config.message_id}
        return {"ok": True, "result": bot_api.call(secret, "deleteMessage", payload)}
    if op == "send_chat_action":
        payload = {"chat_id": config.chat_id, "action": config.action}
        return {"ok": True, "result": bot_api.call(secret, "sendChatAction", payload)}
    if op == "get_chat":
        return bot_api.call(secret, "getChat", {"chat_id": config.chat_id})
    return _get_file(secret, config)


NODE = NodeType(
    type="app.telegram",
    label="Telegram",
    category="app",
    description="A Telegram bot sends messages (with buttons), photos, documents, audio and "
    "video, edits and deletes messages, shows 'typing…', reads a chat or downloads a file "
    "sent to it; outputs what Telegram answers.",
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
        (
            "Ask the chat that wrote to the bot to approve, with Approve and Reject buttons",
            {
                "operation": "send_message",
                "chat_id": "{{ trigger.body.message.chat.id }}",
                "text": "Approve the deploy?",
                "reply_markup": {
                    "inline_keyboard": [
                        [
                            {"text": "Approve", "callback_data": "approve"},
                            {"text": "Reject", "callback_data": "reject"},
                        ]
                    ]
                },
            },
        ),
        (
            "Send the chart the render node made as a photo captioned 'Daily sales' to chat 4242",
            {
                "operation": "send_photo",
                "chat_id": "4242",
                "file": "{{ nodes.render.file }}",
                "caption": "Daily sales",
            },
        ),
        (
            "Download the voice message the bot received",
            {
                "operation": "get_file",
                "file_id": "{{ trigger.body.message.voice.file_id }}",
            },
        ),
        (
            "Reply to the message from the webhook: change bot message 7 in chat 4242 to 'Done'",
            {
                "operation": "edit_message_text",
                "chat_id": "4242",
                "message_id": "7",
                "text": "Done",
            },
        ),
        (
            "Delete the message the notify node sent",
            {
                "operation": "delete_message",
                "chat_id": "{{ nodes.notify.chat.id }}",
                "message_id": "{{ nodes.notify.message_id }}",
            },
        ),
        (
            "Show 'typing…' in the chat that wrote to the bot",
            {"operation": "send_chat_action", "chat_id": "{{ trigger.body.message.chat.id }}"},
        ),
        (
            "Look up the chat that wrote to the bot",
            {"operation": "get_chat", "chat_id": "{{ trigger.body.message.chat.id }}"},
        ),
        (
            "Send the report PDF from https://example.com/report.pdf to chat 4242",
            {
                "operation": "send_document",
                "chat_id": "4242",
                "file": "https://example.com/report.pdf",
            },
        ),
        (
            "Send the podcast episode the download node fetched as audio to @ops_news",
            {
                "operation": "send_audio",
                "chat_id": "@ops_news",
                "file": "{{ nodes.download.file }}",
            },
        ),
        (
            "Send the clip at https://example.com/clip.mp4 to chat 4242 as a video",
            {"operation": "send_video", "chat_id": "4242", "file": "https://example.com/clip.mp4"},
        ),
    ),
)
