"""app.customerio: Customer.io people created or updated and deleted, events tracked (for a
person or anonymous), and people added to or removed from manual segments, through the Track
API as n8n's Customer.io node does."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from integrations.customerio import track_api
from integrations.customerio.credentials import TrackKey
from integrations.operations import OperationConfig, json_object, rendered_object, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "upsert_customer",
    "delete_customer",
    "track_event",
    "track_anonymous_event",
    "add_to_segment",
    "remove_from_segment",
]
SEGMENT = ("add_to_segment", "remove_from_segment")
EVENTS = ("track_event", "track_anonymous_event")


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Customer.io Track API credential. Needed to run."
    )
    operation: Operation = Field(
        "upsert_customer",
        description="upsert_customer: create or update a person. delete_customer: delete one. "
        "track_event / track_anonymous_event: record an event. add_to_segment / "
        "remove_from_segment: change a manual segment's members.",
    )
    customer_id: str = Field(
        "",
        description="The person's id in your system.",
        json_schema_extra=used_by(
            "upsert_customer", "delete_customer", "track_event", required=True
        ),
    )
    email: str = Field(
        "",
        description="upsert_customer: the person's email.",
        json_schema_extra=used_by("upsert_customer"),
    )
    attributes: Any = Field(
        None,
        description='upsert_customer: the person\'s attributes, as a JSON object: {"plan": '
        '"pro", "created_at": 1700000000}.',
        json_schema_extra=used_by("upsert_customer"),
    )
    event_name: str = Field(
        "",
        description="The event's name: purchase, signed_up.",
        json_schema_extra=used_by(*EVENTS, required=True),
    )
    event_data: Any = Field(
        None,
        description='The event\'s data, as a JSON object: {"price": 23.45}.',
        json_schema_extra=used_by(*EVENTS),
    )
    segment_id: str = Field(
        "",
        description="The manual segment's id (a number).",
        json_schema_extra=used_by(*SEGMENT, required=True),
    )
    customer_ids: list[str] = Field(
        default_factory=list,
        description="The people's ids to add to or remove from the segment.",
        json_schema_extra=used_by(*SEGMENT, required=True),
    )

    @field_validator("attributes", "event_data", mode="before")
    @classmethod
    def _objects(cls, value: Any) -> Any:
        return json_object(value, "Customer.io attributes")


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: upsert_customer: {id, email, …attributes}; the others {success:
    true}."""
    secret, _ = credential_for(ctx, config.operation, TrackKey)
    op, person = config.operation, f"/customers/{config.customer_id.strip()}"
    if op == "upsert_customer":
        body = rendered_object(config.attributes, "attributes")
        if config.email:
            body = {**body, "email": config.email}
        track_api.call(secret, "PUT", person, what=op, json=body)
        return {"id": config.customer_id.strip(), **body}
    if op == "delete_customer":
        track_api.call(secret, "DELETE", person, what=op)
    elif op in EVENTS:
        body = {"name": config.event_name, "data": rendered_object(config.event_data, "event_data")}
        path = f"{person}/events" if op == "track_event" else "/events"
        track_api.call(secret, "POST", path, what=op, json=body)
    else:
        action = "add_customers" if op == "add_to_segment" else "remove_customers"
        ids = [i.strip() for i in config.customer_ids if i.strip()]
        path = f"/segments/{config.segment_id.strip()}/{action}"
        track_api.call(secret, "POST", path, what=op, json={"ids": ids})
    return {"success": True}


NODE = NodeType(
    type="app.customerio",
    label="Customer.io",
    category="app",
    description="Creates, updates and deletes Customer.io people, tracks events and changes "
    "manual segments (Track API).",
    Config=Config,
    run=run,
    credential_kinds=(TrackKey.kind,),
    icon="Ⓘ",
    examples=(
        (
            "Create or update Customer.io person 2 with email ada@example.com and plan pro, "
            "with credential 10",
            {
                "credential": 10,
                "operation": "upsert_customer",
                "customer_id": "2",
                "email": "ada@example.com",
                "attributes": {"plan": "pro"},
            },
        ),
        ("Delete Customer.io person 2", {"operation": "delete_customer", "customer_id": "2"}),
        (
            "Track the Customer.io event purchase for person 2",
            {"operation": "track_event", "customer_id": "2", "event_name": "purchase"},
        ),
        (
            "Track the anonymous Customer.io event page_view",
            {"operation": "track_anonymous_event", "event_name": "page_view"},
        ),
        (
            "Add Customer.io people 2 and 3 to segment 7",
            {"operation": "add_to_segment", "segment_id": "7", "customer_ids": ["2", "3"]},
        ),
        (
            "Remove Customer.io person 2 from segment 7",
            {"operation": "remove_from_segment", "segment_id": "7", "customer_ids": ["2"]},
        ),
    ),
)
