"""app.mailgun: an email sent through Mailgun's Messages API."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from integrations.mailgun import messages_api
from integrations.mailgun.credentials import ApiKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import RunContext
from workfuse.lib.node_types import NodeType

SEND: Literal["send_email"] = "send_email"


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Mailgun API key credential. Needed to run."
    )
    operation: Literal["send_email"] = Field(
        SEND, description="send_email: one email, from the credential's domain."
    )
    from_email: str = Field(
        "",
        description='The sender, e.g. "Ops <ops@mg.example.com>" (a domain Mailgun sends for).',
        json_schema_extra=used_by(SEND, required=True),
    )
    to: str = Field(
        "",
        description="The recipients, comma-separated.",
        json_schema_extra=used_by(SEND, required=True),
    )
    cc: str = Field(
        "", description="Cc recipients, comma-separated.", json_schema_extra=used_by(SEND)
    )
    bcc: str = Field(
        "", description="Bcc recipients, comma-separated.", json_schema_extra=used_by(SEND)
    )
    subject: str = Field("", description="The subject.", json_schema_extra=used_by(SEND))
    text: str = Field("", description="The plain-text body.", json_schema_extra=used_by(SEND))
    html: str = Field("", description="The HTML body.", json_schema_extra=used_by(SEND))


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: Mailgun's answer, {id, message: "Queued. Thank you."}."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    form = {
        "from": config.from_email,
        "to": config.to,
        "cc": config.cc,
        "bcc": config.bcc,
        "subject": config.subject,
        "text": config.text,
        "html": config.html,
    }
    data = {name: value for name, value in form.items() if value}
    return messages_api.call(secret, "POST", "/messages", what=config.operation, data=data)


NODE = NodeType(
    type="app.mailgun",
    label="Mailgun",
    category="app",
    description="Sends an email through Mailgun.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="✉",
    examples=(
        (
            "Email ops@example.com from alerts@mg.example.com with Mailgun: subject Disk full, "
            "text The disk is full, credential 5",
            {
                "credential": 5,
                "operation": "send_email",
                "from_email": "alerts@mg.example.com",
                "to": "ops@example.com",
                "subject": "Disk full",
                "text": "The disk is full",
            },
        ),
    ),
)
