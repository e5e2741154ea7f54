"""app.twilio: send an SMS through Twilio."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.addresses import is_template
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from integrations.twilio import rest_api
from integrations.twilio.credentials import AuthToken, sender
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

MAX_BODY = 1600  # Twilio's limit for a message's body
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def _as_text(value: Any) -> Any:
    # A number read by a template (`{{ trigger.body.phone }}`) may arrive as an int.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Twilio account credential. Needed to run."
    )
    operation: Literal["send_sms"] = Field(
        "send_sms", description="send_sms: send a text message to a phone number."
    )
    to: str = Field(
        "",
        description="The recipient's number in E.164 form (+14155550100); may use templates, "
        "e.g. '{{ trigger.body.phone }}'.",
        json_schema_extra=used_by("send_sms", required=True),
        examples=["+14155550100"],
    )
    from_number: str = Field(
        "",
        description="Optional: the sending number (+14155550199) or Messaging Service SID "
        "(MG…); empty uses the credential's default sender.",
        json_schema_extra=used_by("send_sms"),
    )
    body: str = Field(
        "",
        max_length=MAX_BODY,
        description="The message (up to 1600 characters; long ones go as several SMS); may "
        "use templates, e.g. 'Your code is {{ nodes.code.value }}'.",
        json_schema_extra=used_by("send_sms", required=True),
    )

    @field_validator("to", mode="before")
    @classmethod
    def _to(cls, value: Any) -> Any:
        value = _as_text(value)
        if isinstance(value, str) and not is_template(value):
            value = "".join(value.split())  # +1 415 555 0100 is +14155550100
            if value and not E164.match(value):
                raise ValueError("must be a phone number in E.164 form, like +14155550100")
        return value

    @field_validator("from_number", mode="before")
    @classmethod
    def _from(cls, value: Any) -> Any:
        value = _as_text(value)
        if isinstance(value, str) and not is_template(value):
            return sender(value.strip())
        return value


def run(config: Config, ctx: RunContext) -> Any:
    """The message Twilio created: {sid, status ("queued"), to, from, body, ...}."""
    secret, fields = credential_for(ctx, config.operation, AuthToken)
    origin = config.from_number or fields.default_from
    if not origin:
        raise NodeError(
            "Give a from_number in this node, or a default sender on the credential "
            f"“{secret.name}”."
        )
    form = {"To": config.to, "Body": config.body}
    form["MessagingServiceSid" if origin.startswith("MG") else "From"] = origin
    return rest_api.create_message(secret, form, ctx.idempotency_key)


NODE = NodeType(
    type="app.twilio",
    label="Twilio SMS",
    category="app",
    description="Sends an SMS through your Twilio account; outputs the message Twilio created "
    "(its sid and status).",
    Config=Config,
    run=run,
    credential_kinds=(AuthToken.kind,),
    icon="☎",
    examples=(
        (
            "Text the phone number from the webhook body 'Your order <id> has shipped', with "
            "Twilio credential 3",
            {
                "credential": 3,
                "operation": "send_sms",
                "to": "{{ trigger.body.phone }}",
                "body": "Your order {{ trigger.body.id }} has shipped",
            },
        ),
        (
            "SMS +14155550100 from +14155550199 that the nightly backup failed",
            {
                "operation": "send_sms",
                "to": "+14155550100",
                "from_number": "+14155550199",
                "body": "The nightly backup failed",
            },
        ),
    ),
)
