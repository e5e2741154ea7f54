"""app.freshdesk: Freshdesk tickets created (with the requester named by email, id, phone or
another handle), read, updated and deleted, as n8n's Freshdesk node does."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from integrations.freshdesk import rest_api
from integrations.freshdesk.credentials import ApiKey
from integrations.operations import OperationConfig, json_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal["create_ticket", "get_ticket", "update_ticket", "delete_ticket"]
BY_ID = ("get_ticket", "update_ticket", "delete_ticket")
Requester = Literal[
    "email", "requester_id", "phone", "twitter_id", "facebook_id", "unique_external_id"
]
STATUS = {"open": 2, "pending": 3, "resolved": 4, "closed": 5}
PRIORITY = {"low": 1, "medium": 2, "high": 3, "urgent": 4}
SOURCE = {
    "email": 1,
    "portal": 2,
    "phone": 3,
    "chat": 7,
    "mobihelp": 8,
    "feedback_widget": 9,
    "outbound_email": 10,
}


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Freshdesk API key credential. Needed to run."
    )
    operation: Operation = Field(
        "create_ticket",
        description="create_ticket: a new ticket. get_ticket / update_ticket / delete_ticket: "
        "one ticket by id.",
    )
    ticket_id: str = Field(
        "", description="The ticket's id.", json_schema_extra=used_by(*BY_ID, required=True)
    )
    requester: Requester = Field(
        "email",
        description="create_ticket: how requester_value names the requester (a new contact is "
        "made for an unknown email, phone or handle).",
        json_schema_extra=used_by("create_ticket"),
    )
    requester_value: str = Field(
        "",
        description="create_ticket: the requester's email, id, phone or handle.",
        json_schema_extra=used_by("create_ticket", required=True),
    )
    subject: str = Field(
        "",
        description="The ticket's subject.",
        json_schema_extra=used_by("create_ticket", "update_ticket"),
    )
    description: str = Field(
        "",
        description="The ticket's description (HTML).",
        json_schema_extra=used_by("create_ticket", "update_ticket"),
    )
    status: Literal["", "open", "pending", "resolved", "closed"] = Field(
        "",
        description="open, pending, resolved or closed (create_ticket: pending when empty).",
        json_schema_extra=used_by("create_ticket", "update_ticket"),
    )
    priority: Literal["", "low", "medium", "high", "urgent"] = Field(
        "",
        description="low, medium, high or urgent (create_ticket: low when empty).",
        json_schema_extra=used_by("create_ticket", "update_ticket"),
    )
    source: Literal[
        "", "email", "portal", "phone", "chat", "mobihelp", "feedback_widget", "outbound_email"
    ] = Field(
        "",
        description="create_ticket: the channel it came through (portal when empty).",
        json_schema_extra=used_by("create_ticket"),
    )
    tags: list[str] = Field(
        default_factory=list,
        description="Tags on the ticket.",
        json_schema_extra=used_by("create_ticket", "update_ticket"),
    )
    fields: Any = Field(
        None,
        description='More ticket fields as Freshdesk names them, as a JSON object: {"type": '
        '"Refund", "group_id": 5, "responder_id": 7, "cc_emails": ["…"], "due_by": "…"}.',
        json_schema_extra=used_by("create_ticket", "update_ticket"),
    )

    @field_validator("fields", mode="before")
    @classmethod
    def _fields(cls, value: Any) -> Any:
        return json_object(value, "Freshdesk ticket fields")


def _body(config: Config) -> dict[str, Any]:
    extra = config.fields if isinstance(config.fields, dict) else {}
    if config.fields not in (None, "") and not isinstance(config.fields, dict):
        raise NodeError("fields must render to a JSON object.")
    body: dict[str, Any] = dict(extra)
    if config.subject:
        body["subject"] = config.subject
    if config.description:
        body["description"] = config.description
    if config.tags:
        body["tags"] = config.tags
    if config.status:
        body["status"] = STATUS[config.status]
    if config.priority:
        body["priority"] = PRIORITY[config.priority]
    return body


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the ticket (create, get, update), {success: true} for delete."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    op, ticket = config.operation, f"/tickets/{config.ticket_id.strip()}"
    if op == "create_ticket":
        value: Any = config.requester_value.strip()
        if config.requester == "requester_id":
            value = int(value) if value.isdigit() else value
        body = {
            "status": STATUS["pending"],
            "priority": PRIORITY["low"],
            "source": SOURCE[config.source or "portal"],
            **_body(config),
            config.requester: value,
        }
        return rest_api.call(secret, "POST", "/tickets", what=op, json=body)
    if op == "get_ticket":
        return rest_api.call(secret, "GET", ticket, what=op)
    if op == "update_ticket":
        return rest_api.call(secret, "PUT", ticket, what=op, json=_body(config))
    rest_api.call(secret, "DELETE", ticket, what=op)
    return {"success": True}


NODE = NodeType(
    type="app.freshdesk",
    label="Freshdesk",
    category="app",
    description="Creates, reads, updates and deletes Freshdesk tickets.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="Ⓕ",
    examples=(
        (
            "Open a Freshdesk ticket for ada@example.com titled Refund please, tagged refund, "
            "with credential 9",
            {
                "credential": 9,
                "operation": "create_ticket",
                "requester": "email",
                "requester_value": "ada@example.com",
                "subject": "Refund please",
                "tags": ["refund"],
            },
        ),
        ("Read Freshdesk ticket 42", {"operation": "get_ticket", "ticket_id": "42"}),
        (
            "Resolve Freshdesk ticket 42",
            {"operation": "update_ticket", "ticket_id": "42", "status": "resolved"},
        ),
        ("Delete Freshdesk ticket 42", {"operation": "delete_ticket", "ticket_id": "42"}),
    ),
)
