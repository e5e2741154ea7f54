"""app.pushcut: a notification defined in the Pushcut app sent to the account's devices, its
text, title and input overridden, as n8n's Pushcut node does."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from pydantic import Field

from integrations.operations import OperationConfig, used_by
from integrations.pushcut import rest_api
from integrations.pushcut.credentials import ApiKey
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Pushcut API key credential. Needed to run."
    )
    operation: Literal["send_notification"] = Field(
        "send_notification",
        description="send_notification: send one of the notifications defined in the app.",
    )
    notification: str = Field(
        "",
        description="The notification's name, as defined in the Pushcut app.",
        json_schema_extra=used_by("send_notification", required=True),
    )
    text: str = Field(
        "",
        description="Text shown instead of the one defined in the app (empty: the app's).",
        json_schema_extra=used_by("send_notification"),
    )
    title: str = Field(
        "",
        description="Title shown instead of the one defined in the app (empty: the app's).",
        json_schema_extra=used_by("send_notification"),
    )
    action_input: str = Field(
        "",
        description="A value passed as input to the notification's action.",
        json_schema_extra=used_by("send_notification"),
    )
    devices: list[str] = Field(
        default_factory=list,
        description="Only these devices (their ids); empty: every device of the account.",
        json_schema_extra=used_by("send_notification"),
    )


def run(config: Config, ctx: RunContext) -> Any:
    """Pushcut's answer, as n8n outputs it."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    name = config.notification.strip()
    if not name:
        raise NodeError("The notification's name rendered empty: there is nothing to send.")
    body: dict[str, Any] = {k: v for k, v in (("text", config.text), ("title", config.title)) if v}
    if config.action_input:
        body["input"] = config.action_input
    if config.devices:
        body["devices"] = config.devices
    path = f"/notifications/{quote(name, safe='')}"
    return rest_api.call(secret, "POST", path, what="send_notification", json=body or None)


NODE = NodeType(
    type="app.pushcut",
    label="Pushcut",
    category="app",
    description="Sends a notification defined in the Pushcut app to your iPhone or iPad.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="⇪",
    examples=(
        (
            "Send the Pushcut notification Door with the text Someone rang, credential 4",
            {
                "credential": 4,
                "operation": "send_notification",
                "notification": "Door",
                "text": "Someone rang",
            },
        ),
        (
            "Push the weather notification titled Today with the temperature",
            {
                "operation": "send_notification",
                "notification": "weather",
                "title": "Today",
                "text": "It is {{ nodes.weather.main.temp }}°C",
            },
        ),
    ),
)
