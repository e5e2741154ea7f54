"""app.email: send an email through an SMTP server, with attachments."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from integrations.addresses import address_list, parts
from integrations.email import attachments, smtp
from integrations.email.credentials import SmtpServer
from integrations.operations import OperationConfig, field_errors, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import RunContext
from workfuse.lib.node_types import NodeType

MAX_RECIPIENTS = 100  # what most servers take in one message (RFC 5321 asks for at least 100)
RECIPIENTS = (
    "A list of addresses, or addresses separated by commas ('Ada <ada@example.com>, "
    "bob@example.com'); may use templates, e.g. '{{ trigger.body.email }}'."
)


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your SMTP server credential (it gives the sender). Needed to run."
    )
    operation: Literal["send"] = Field(
        "send", description="send: send one email, with text, HTML and attachments."
    )
    to: list[str] = Field(
        default_factory=list,
        description=f"Recipients. {RECIPIENTS}",
        json_schema_extra=used_by("send", required=True),
        examples=[["ada@example.com"]],
    )
    cc: list[str] = Field(
        default_factory=list,
        description="Optional: copied recipients, shown to all.",
        json_schema_extra=used_by("send"),
        examples=[["ops@example.com"]],
    )
    bcc: list[str] = Field(
        default_factory=list,
        description="Optional: hidden recipients, shown to none.",
        json_schema_extra=used_by("send"),
        examples=[["audit@example.com"]],
    )
    subject: str = Field(
        "",
        description="The subject; may use templates, e.g. 'Invoice {{ trigger.body.id }}'.",
        json_schema_extra=used_by("send", required=True),
    )
    text: str = Field(
        "",
        description="The plain-text body; may use templates. Give text, html or both.",
        json_schema_extra=used_by("send"),
    )
    html: str = Field(
        "",
        description="The HTML body; may use templates. With text too, mail apps choose.",
        json_schema_extra=used_by("send"),
    )
    attachments: Any = Field(
        None,
        description="Optional files to attach: a file from an earlier step (a download, Convert "
        "to File…), e.g. '{{ nodes.download.file }}', or a list of them, e.g. "
        "'{{ [nodes.chart.file, nodes.report.file] }}'; or a JSON list of "
        '{"url": "https://…/invoice.pdf"} (fetched; filename and content_type optional) or '
        '{"content": "<base64>", "filename": "report.csv"}. Up to 10 MB each, 20 MB in all.',
        json_schema_extra=used_by("send"),
    )

    _lists = field_validator("to", "cc", "bcc", mode="before")(address_list)

    @field_validator("attachments", mode="before")
    @classmethod
    def _attachments(cls, value: Any) -> Any:
        return attachments.checked(value)

    @model_validator(mode="after")
    def _content(self) -> Self:
        if not self.text and not self.html:
            raise field_errors(self, {"text": "Give text, html or both."})
        if len(self.to) + len(self.cc) + len(self.bcc) > MAX_RECIPIENTS:
            raise field_errors(self, {"to": f"At most {MAX_RECIPIENTS} recipients in all."})
        return self


def message_id(ctx: RunContext, sender: str) -> str:
    """The same on every attempt of the step (from its idempotency key): a retried send is
    the same message, which mail stores that deduplicate by Message-ID show once."""
    digest = hashlib.sha256(ctx.idempotency_key.encode()).hexdigest()[:32]
    domain = sender.rpartition("@")[2] or "workfuse.local"
    return f"<{digest}@{domain}>"


def build(config: Config, sender: str, ctx: RunContext) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(config.to)
    if config.cc:
        message["Cc"] = ", ".join(config.cc)
    message["Subject"] = config.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id(ctx, parts(sender)[1])
    if config.text:
        message.set_content(config.text)
    if config.html:
        if config.text:
            message.add_alternative(config.html, subtype="html")
        else:
            message.set_content(config.html, subtype="html")
    for attachment in attachments.read(config.attachments):
        main, _, sub = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.data, maintype=main, subtype=sub, filename=attachment.filename
        )
    return message


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{message_id, accepted, refused}: the recipients the server took, and those it refused
    (with its reply) while taking others."""
    secret, fields = credential_for(ctx, config.operation, SmtpServer)
    message = build(config, fields.from_address, ctx)
    recipients = [parts(entry)[1] for entry in [*config.to, *config.cc, *config.bcc]]
    refused = smtp.send(secret, message, recipients)
    return {
        "message_id": message["Message-ID"],
        "accepted": [r for r in recipients if r not in refused],
        "refused": refused,
    }


NODE = NodeType(
    type="app.email",
    label="Send email",
    category="app",
    description="Sends an email through your SMTP server, with text, HTML and attachments "
    "(files from earlier steps, URLs or base64); outputs the recipients the server accepted.",
    Config=Config,
    run=run,
    credential_kinds=(SmtpServer.kind,),
    icon="@",
    examples=(
        (
            "Email the address from the webhook body 'Welcome, <name>!' with SMTP credential 2",
            {
                "credential": 2,
                "operation": "send",
                "to": ["{{ trigger.body.email }}"],
                "subject": "Welcome, {{ trigger.body.name }}!",
                "text": "Hi {{ trigger.body.name }}, your account is ready.",
            },
        ),
        (
            "Send the invoice PDF from the invoice URL in the webhook body to billing@acme.test, "
            "copying the account manager am@acme.test, as HTML",
            {
                "operation": "send",
                "to": ["billing@acme.test"],
                "cc": ["am@acme.test"],
                "subject": "Invoice {{ trigger.body.number }}",
                "html": "<p>Invoice <b>{{ trigger.body.number }}</b> is attached.</p>",
                "attachments": [
                    {"url": "{{ trigger.body.invoice_url }}", "filename": "invoice.pdf"}
                ],
            },
        ),
        (
            "Email the report the download step fetched to ops@acme.test as an attachment",
            {
                "operation": "send",
                "to": ["ops@acme.test"],
                "subject": "Today's report",
                "text": "The report is attached.",
                "attachments": "{{ nodes.download.file }}",
            },
        ),
    ),
)
