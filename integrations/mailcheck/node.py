"""app.mailcheck: an email address checked by Mailcheck (deliverability, trust rate, MX,
disposable, …), as n8n's Mailcheck node checks it: Mailcheck's answer is the output."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from integrations.mailcheck import rest_api
from integrations.mailcheck.credentials import ApiKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import RunContext
from workfuse.lib.node_types import NodeType


class Config(OperationConfig):
    credential: int | None = Field(None, ge=1, description="Your Mailcheck API key credential.")
    operation: Literal["check_email"] = Field(
        "check_email", description="check_email: how deliverable an email address is."
    )
    email: str = Field(
        "",
        description="The email address to check.",
        json_schema_extra=used_by("check_email", required=True) | {"examples": ["ada@example.com"]},
    )


def run(config: Config, ctx: RunContext) -> Any:
    """Mailcheck's verdict: {email, trustRate, mxExists, smtpExists, isNotDisposable, …}."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    return rest_api.check_email(secret, config.email.strip(), what=config.operation)


NODE = NodeType(
    type="app.mailcheck",
    label="Mailcheck",
    category="app",
    description="Checks whether an email address is deliverable, with Mailcheck.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="✉",
    examples=(
        (
            "Check the email ada@example.com with Mailcheck, credential 8",
            {"credential": 8, "operation": "check_email", "email": "ada@example.com"},
        ),
        (
            "Check with Mailcheck whether the signup's email is valid",
            {"operation": "check_email", "email": "{{ trigger.body.email }}"},
        ),
    ),
)
