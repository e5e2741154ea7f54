"""app.amqp: a message sent to a queue or an exchange of the user's AMQP broker, as n8n's AMQP
Sender sends one per item (the item's json as JSON, or one of its fields), with headers."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field

from integrations.amqp import broker
from integrations.amqp.credentials import Broker
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your AMQP broker credential. Needed to run."
    )
    operation: Literal["send"] = Field("send", description="send: publish one message.")
    exchange: str = Field(
        "",
        max_length=255,
        description="The exchange to publish to; empty: the default exchange, which delivers "
        "to the queue named by routing_key.",
        json_schema_extra=used_by("send"),
    )
    routing_key: str = Field(
        "",
        max_length=255,
        description="The queue's name (with the default exchange) or the routing key, e.g. "
        "orders.created.",
        json_schema_extra=used_by("send"),
    )
    message: Any = Field(
        "",
        description="What to send: text as it is, anything else as JSON, e.g. "
        "{{ nodes.build.result | tojson }} or a template giving an object.",
        json_schema_extra=used_by("send"),
    )
    headers: Any = Field(
        None,
        description="Message headers (AMQP application properties), an object or a template "
        "giving one.",
        json_schema_extra=used_by("send"),
    )
    persistent: bool = Field(
        False,
        description="Ask the broker to keep the message on disk (delivery mode 2).",
        json_schema_extra=used_by("send"),
    )


def _body(message: Any) -> tuple[bytes, str]:
    if isinstance(message, str):
        return message.encode(), "text/plain"
    return json.dumps(message, ensure_ascii=False).encode(), "application/json"


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{exchange, routing_key, size}, once the broker confirmed it took the message."""
    secret, _ = credential_for(ctx, config.operation, Broker)
    if not config.exchange and not config.routing_key:
        raise NodeError("Name a queue (routing_key) or an exchange to send to.")
    headers = config.headers or {}
    if not isinstance(headers, dict):
        raise NodeError("headers must be an object of header names and values.")
    body, content_type = _body(config.message)
    broker.call(
        secret,
        "the message",
        lambda channel: broker.publish(
            channel,
            config.exchange,
            config.routing_key,
            body,
            content_type,
            headers,
            config.persistent,
        ),
    )
    return {"exchange": config.exchange, "routing_key": config.routing_key, "size": len(body)}


NODE = NodeType(
    type="app.amqp",
    label="AMQP",
    category="app",
    description="Sends a message to a queue or an exchange of your AMQP broker (RabbitMQ), "
    "with headers; the step succeeds once the broker confirmed it.",
    Config=Config,
    run=run,
    credential_kinds=(Broker.kind,),
    icon="✉",
    examples=(
        (
            "Send the webhook body as JSON to the queue orders, credential 5",
            {"credential": 5, "routing_key": "orders", "message": "{{ trigger.body }}"},
        ),
        (
            "Publish to the exchange events with routing key user.signup and a source header",
            {
                "exchange": "events",
                "routing_key": "user.signup",
                "message": "{{ trigger.body }}",
                "headers": {"source": "workfuse"},
            },
        ),
    ),
)
