"""app.aws_ses: an email sent with Amazon SES's SendEmail (text or HTML, to, cc, bcc,
reply-to, a configuration set), through boto3's SES client with the S3 access key's pair and
region (integrations/s3/s3_api.py guards the endpoint and maps AWS's errors)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from integrations import http
from integrations.operations import OperationConfig, used_by
from integrations.s3 import s3_api
from integrations.s3.credentials import AccessKey
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

API = http.Api("AWS SES")
ADDRESSES = ("to_addresses", "cc_addresses", "bcc_addresses", "reply_to_addresses")


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your AWS access key credential (kind s3). Needed to run."
    )
    operation: Literal["send_email"] = Field(
        "send_email", description="send_email: send an email from a verified address."
    )
    from_email: str = Field(
        "",
        description="The sender: an address or domain verified in SES.",
        json_schema_extra=used_by("send_email", required=True),
    )
    to_addresses: list[str] = Field(
        default_factory=list,
        description="The recipients.",
        json_schema_extra=used_by("send_email", required=True),
    )
    subject: str = Field("", description="The subject.", json_schema_extra=used_by("send_email"))
    body: str = Field("", description="The message.", json_schema_extra=used_by("send_email"))
    is_html: bool = Field(
        False,
        description="Send the body as HTML (else as plain text).",
        json_schema_extra=used_by("send_email"),
    )
    cc_addresses: list[str] = Field(
        default_factory=list, description="Copies to.", json_schema_extra=used_by("send_email")
    )
    bcc_addresses: list[str] = Field(
        default_factory=list,
        description="Blind copies to.",
        json_schema_extra=used_by("send_email"),
    )
    reply_to_addresses: list[str] = Field(
        default_factory=list,
        description="Where replies go.",
        json_schema_extra=used_by("send_email"),
    )
    configuration_set: str = Field(
        "",
        description="An SES configuration set to send with.",
        json_schema_extra=used_by("send_email"),
    )
    return_path: str = Field(
        "",
        description="Where bounces and complaints go.",
        json_schema_extra=used_by("send_email"),
    )

    @field_validator(*ADDRESSES, mode="before")
    @classmethod
    def _addresses(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: SES's {SendEmailResponse: {SendEmailResult: {MessageId},
    ResponseMetadata: {RequestId}}}, with MessageId also at the top."""
    secret, _ = credential_for(ctx, config.operation, AccessKey)
    to = [a for a in config.to_addresses if a.strip()]
    if not to:
        raise NodeError('At least one "To" address is needed (the recipients rendered empty).')
    destination: dict[str, Any] = {"ToAddresses": to}
    if config.cc_addresses:
        destination["CcAddresses"] = config.cc_addresses
    if config.bcc_addresses:
        destination["BccAddresses"] = config.bcc_addresses
    part = "Html" if config.is_html else "Text"
    params: dict[str, Any] = {
        "Source": config.from_email,
        "Destination": destination,
        "Message": {
            "Subject": {"Data": config.subject, "Charset": "UTF-8"},
            "Body": {part: {"Data": config.body, "Charset": "UTF-8"}},
        },
    }
    if config.reply_to_addresses:
        params["ReplyToAddresses"] = config.reply_to_addresses
    if config.configuration_set:
        params["ConfigurationSetName"] = config.configuration_set
    if config.return_path:
        params["ReturnPath"] = config.return_path
    answer = s3_api.call(secret, "SendEmail", lambda c: c.send_email(**params), "ses", API)
    message_id = answer.get("MessageId")
    request_id = (answer.get("ResponseMetadata") or {}).get("RequestId")
    return {
        "MessageId": message_id,
        "SendEmailResponse": {
            "SendEmailResult": {"MessageId": message_id},
            "ResponseMetadata": {"RequestId": request_id},
        },
    }


NODE = NodeType(
    type="app.aws_ses",
    label="AWS SES",
    category="app",
    description="Sends an email with Amazon SES.",
    Config=Config,
    run=run,
    credential_kinds=(AccessKey.kind,),
    icon="✉",
    examples=(
        (
            "Email ada@example.com from hello@acme.com through SES: subject Welcome, body Hi "
            "Ada, with credential 2",
            {
                "credential": 2,
                "operation": "send_email",
                "from_email": "hello@acme.com",
                "to_addresses": ["ada@example.com"],
                "subject": "Welcome",
                "body": "Hi Ada",
            },
        ),
        (
            "Send the HTML report to the form's email from reports@acme.com with SES",
            {
                "operation": "send_email",
                "from_email": "reports@acme.com",
                "to_addresses": ["{{ trigger.body.email }}"],
                "subject": "Your report",
                "body": "{{ nodes.report.html }}",
                "is_html": True,
            },
        ),
    ),
)
