"""app.whatsapp: send a WhatsApp message (text, media by link or id, or an approved template)
from a business phone number, through the Cloud API."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.addresses import is_template
from integrations.operations import OperationConfig, json_list, used_by
from integrations.service import credential_for
from integrations.whatsapp import cloud_api
from integrations.whatsapp.credentials import NUMERIC_ID, CloudApi
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

MAX_TEXT = 4096  # the Cloud API's limit for a text message's body
MAX_CAPTION = 1024
# n8n (and most people) write numbers with +, dashes and brackets; the API takes the digits.
_PUNCTUATION = re.compile(r"[\s\-()+]")
MediaType = Literal["image", "video", "audio", "document", "sticker"]


def _digits(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and not is_template(value):
        return _PUNCTUATION.sub("", value)
    return value


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your WhatsApp Cloud API credential. Needed to run."
    )
    operation: Literal["send_text", "send_media", "send_template", "get_media_url"] = Field(
        "send_text",
        description="send_text: a text message; send_media: an image, video, audio, document "
        "or sticker by link or media id; send_template: an approved message template (the "
        "only kind WhatsApp delivers outside the 24-hour customer service window); "
        "get_media_url: the short-lived download URL of a media id a received message carries.",
    )
    phone_number_id: str = Field(
        "",
        description="The ID of the business phone number that sends (API Setup lists it), not "
        "the number itself.",
        json_schema_extra=used_by("send_text", "send_media", "send_template", required=True),
        examples=["106540352242922"],
    )
    to: str = Field(
        "",
        description="The recipient's phone number with its country code (+, spaces, dashes and "
        "brackets are dropped), or a template, e.g. '{{ trigger.messages[0].from }}'.",
        json_schema_extra=used_by("send_text", "send_media", "send_template", required=True),
        examples=["16505551234"],
    )
    text: str = Field(
        "",
        max_length=MAX_TEXT,
        description="The message (up to 4096 characters); may use templates.",
        json_schema_extra=used_by("send_text", required=True),
    )
    preview_url: bool = Field(
        False,
        description="Show a preview of the first URL in the text.",
        json_schema_extra=used_by("send_text"),
    )
    media_type: MediaType = Field(
        "image", description="What the media is.", json_schema_extra=used_by("send_media")
    )
    media: str = Field(
        "",
        description="send_media: a public https URL WhatsApp downloads the media from, or the "
        "numeric id of media already uploaded to WhatsApp. get_media_url: the media id, e.g. "
        "'{{ item.image.id }}'. May use templates.",
        json_schema_extra=used_by("send_media", "get_media_url", required=True),
    )
    caption: str = Field(
        "",
        max_length=MAX_CAPTION,
        description="Optional text under an image, video or document.",
        json_schema_extra=used_by("send_media"),
    )
    filename: str = Field(
        "",
        description="Optional: the file name a document shows.",
        json_schema_extra=used_by("send_media"),
    )
    template_name: str = Field(
        "",
        description="The approved template's name, e.g. 'order_update'.",
        json_schema_extra=used_by("send_template", required=True),
    )
    template_language: str = Field(
        "",
        description="The template's language code, e.g. 'en_US' or 'de'.",
        json_schema_extra=used_by("send_template", required=True),
    )
    components: Any = Field(
        None,
        description="Optional: the template's components as the Cloud API takes them, a JSON "
        'list such as [{"type": "body", "parameters": [{"type": "text", "text": "{{ '
        'trigger.name }}"}]}].',
        json_schema_extra=used_by("send_template"),
    )

    @field_validator("to", mode="before")
    @classmethod
    def _to(cls, value: Any) -> Any:
        return _digits(value)

    @field_validator("phone_number_id", mode="before")
    @classmethod
    def _phone_number_id(cls, value: Any) -> Any:
        value = _digits(value)
        literal = isinstance(value, str) and value and not is_template(value)
        if literal and not NUMERIC_ID.match(value):
            raise ValueError("must be the phone number's numeric ID from API Setup")
        return value

    @field_validator("components", mode="before")
    @classmethod
    def _components(cls, value: Any) -> Any:
        return json_list(value, "template components")


def _message(config: Config) -> dict[str, Any]:
    """The Cloud API's message object, without messaging_product."""
    if config.operation == "send_text":
        text = {"body": config.text, "preview_url": config.preview_url}
        return {"to": config.to, "type": "text", "text": text}
    if config.operation == "send_media":
        kind = config.media_type
        # An uploaded media's id is digits; anything else is a link.
        source = "id" if config.media.isdigit() else "link"
        media: dict[str, Any] = {source: config.media}
        if config.caption and kind in ("image", "video", "document"):
            media["caption"] = config.caption
        if config.filename and kind == "document":
            media["filename"] = config.filename
        return {"to": config.to, "type": kind, kind: media}
    template: dict[str, Any] = {
        "name": config.template_name,
        "language": {"code": config.template_language},
    }
    if config.components:
        if not isinstance(config.components, list):
            raise NodeError("components must be a JSON list of template components")
        template["components"] = config.components
    return {"to": config.to, "type": "template", "template": template}


def run(config: Config, ctx: RunContext) -> Any:
    """What the Cloud API answered: for a message {messaging_product, contacts: [{input,
    wa_id}], messages: [{id}]}; for a media id {url, mime_type, sha256, file_size, id,
    messaging_product}."""
    secret, _ = credential_for(ctx, config.operation, CloudApi)
    if config.operation == "get_media_url":
        return cloud_api.media_url(secret, config.media)
    if not config.to:
        raise NodeError("to: the recipient's phone number is empty once templates are filled in")
    return cloud_api.send_message(secret, config.phone_number_id, _message(config))


NODE = NodeType(
    type="app.whatsapp",
    label="WhatsApp",
    category="app",
    description="Sends a WhatsApp message (text, media or an approved template) from your "
    "business number through the Cloud API; outputs the message id WhatsApp gives.",
    Config=Config,
    run=run,
    credential_kinds=(CloudApi.kind,),
    icon="✆",
    examples=(
        (
            "Reply on WhatsApp to whoever wrote to us with 'Thanks, we got your message', from "
            "phone number id 106540352242922 with WhatsApp credential 4",
            {
                "credential": 4,
                "operation": "send_text",
                "phone_number_id": "106540352242922",
                "to": "{{ trigger.body.entry[0].changes[0].value.messages[0].from }}",
                "text": "Thanks, we got your message",
            },
        ),
        (
            "Send the invoice PDF at https://files.example.com/inv-7.pdf on WhatsApp to "
            "+44 7700 900123 as a document named invoice-7.pdf, from phone number id "
            "106540352242922",
            {
                "operation": "send_media",
                "phone_number_id": "106540352242922",
                "to": "447700900123",
                "media_type": "document",
                "media": "https://files.example.com/inv-7.pdf",
                "filename": "invoice-7.pdf",
            },
        ),
        (
            "Get the download URL of the image in the WhatsApp message we received",
            {"operation": "get_media_url", "media": "{{ trigger.messages[0].image.id }}"},
        ),
        (
            "Send the approved WhatsApp template order_update in en_US to +1 650 555 1234 with "
            "the order number from the webhook",
            {
                "operation": "send_template",
                "phone_number_id": "106540352242922",
                "to": "16505551234",
                "template_name": "order_update",
                "template_language": "en_US",
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": "{{ trigger.body.order }}"}],
                    }
                ],
            },
        ),
    ),
)
