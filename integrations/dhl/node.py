"""app.dhl: a shipment's tracking details (status, events, estimated delivery) by tracking
number, from DHL's Shipment Tracking - Unified API: the first shipment DHL lists for the
number (n8n's DHL node emits each one it lists; DHL lists one per number it knows)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from integrations.dhl import rest_api
from integrations.dhl.credentials import ApiKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(None, ge=1, description="Your DHL API key credential.")
    operation: Literal["track_shipment"] = Field(
        "track_shipment", description="track_shipment: a shipment's tracking details."
    )
    tracking_number: str = Field(
        "",
        description="The shipment's tracking number.",
        json_schema_extra=used_by("track_shipment", required=True),
    )
    recipient_postal_code: str = Field(
        "",
        description="The recipient's postal code: DHL then answers with more details.",
        json_schema_extra=used_by("track_shipment"),
    )


def run(config: Config, ctx: RunContext) -> Any:
    """The first shipment DHL lists for the number (id, service, status, events, …)."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    params = {"trackingNumber": config.tracking_number.strip()}
    if config.recipient_postal_code.strip():
        params["recipientPostalCode"] = config.recipient_postal_code.strip()
    shipments = rest_api.track(secret, params, what=config.operation)
    if not shipments:
        raise NodeError(
            f"DHL lists no shipment for the tracking number {params['trackingNumber']}."
        )
    return shipments[0]


NODE = NodeType(
    type="app.dhl",
    label="DHL",
    category="app",
    description="Tracks a DHL shipment by its tracking number.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="📦",
    examples=(
        (
            "Track DHL shipment 00340434292135100186 with credential 6",
            {
                "credential": 6,
                "operation": "track_shipment",
                "tracking_number": "00340434292135100186",
            },
        ),
        (
            "Track the DHL parcel 7777777770 going to postal code 53113",
            {
                "operation": "track_shipment",
                "tracking_number": "7777777770",
                "recipient_postal_code": "53113",
            },
        ),
    ),
)
