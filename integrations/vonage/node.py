"""app.vonage: an SMS sent through Vonage's SMS API, as n8n's Vonage node sends it (a text or
unicode message; Vonage's other options passed as they are)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from integrations.vonage import rest_api
from integrations.vonage.credentials import ApiKey
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

# Vonage's optional parameters n8n offers (its Additional Fields), by their API names.
OPTIONS = {
    "account-ref",
    "callback",
    "client-ref",
    "message-class",
    "protocol-id",
    "status-report-req",
    "ttl",
}


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Vonage API key and secret credential. Needed to run."
    )
    operation: Literal["send_sms"] = Field("send_sms", description="send_sms: send an SMS.")
    sender: str = Field(
        "",
        description="The sender: a name (up to 11 letters and digits) or a number.",
        json_schema_extra=used_by("send_sms", required=True),
    )
    to: str = Field(
        "",
        description="The recipient's number in E.164 format, without + (447700900000).",
        json_schema_extra=used_by("send_sms", required=True),
    )
    message: str = Field(
        "", description="The message's text.", json_schema_extra=used_by("send_sms")
    )
    type: Literal["text", "unicode"] = Field(
        "text",
        description="text (GSM characters) or unicode (any characters, shorter parts).",
        json_schema_extra=used_by("send_sms"),
    )
    options: Any = Field(
        None,
        description='More of Vonage\'s parameters, as a JSON object: {"client-ref": "…", '
        '"callback": "https://…", "status-report-req": true, "ttl": 60 (minutes), '
        '"message-class": 1, "account-ref": "…", "protocol-id": "…"}.',
        json_schema_extra=used_by("send_sms"),
    )

    @field_validator("options", mode="before")
    @classmethod
    def _options(cls, value: Any) -> Any:
        return json_object(value, "Vonage options")


def _form_value(value: Any) -> Any:
    return str(value).lower() if isinstance(value, bool) else value


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: Vonage's messages (one per SMS part sent), in {messages, count}."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    options = config.options if isinstance(config.options, dict) else {}
    unknown = sorted(set(options) - OPTIONS)
    if unknown:
        raise NodeError(f"Vonage takes no option {', '.join(unknown)}: remove it.")
    form: dict[str, Any] = {
        "from": config.sender,
        "to": config.to,
        "type": config.type,
        "text": config.message,
    }
    form |= {k: _form_value(v) for k, v in options.items() if v not in ("", None)}
    if form.get("ttl"):
        try:
            form["ttl"] = int(form["ttl"]) * 60000  # minutes, as n8n asks for them, in ms
        except ValueError:
            raise NodeError(
                f"The ttl option is minutes, a whole number, not “{form['ttl']}”."
            ) from None
    answer = rest_api.send_sms(secret, form)
    messages = answer.get("messages") or []
    return {"messages": messages, "count": len(messages)}


NODE = NodeType(
    type="app.vonage",
    label="Vonage",
    category="app",
    description="Sends an SMS through Vonage (formerly Nexmo).",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="✆",
    examples=(
        (
            "Text 447700900000 from Acme: your order has shipped, with credential 5",
            {
                "credential": 5,
                "operation": "send_sms",
                "sender": "Acme",
                "to": "447700900000",
                "message": "Your order has shipped",
            },
        ),
        (
            "Send the order's customer an SMS with a client reference of the order id",
            {
                "operation": "send_sms",
                "sender": "Acme",
                "to": "{{ trigger.body.phone }}",
                "message": "Thanks for order {{ trigger.body.id }}",
                "options": {"client-ref": "{{ trigger.body.id }}"},
            },
        ),
    ),
)
