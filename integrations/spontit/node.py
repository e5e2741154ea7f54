"""app.spontit: a push notification sent to the followers of the account or of one of its
channels, as n8n's Spontit node sends it (push / create)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field

from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from integrations.spontit import rest_api
from integrations.spontit.credentials import ApiKey
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

PUSH = used_by("push")
# Config field -> Spontit's name for it in the push.
TEXTS = {
    "title": "pushTitle",
    "subtitle": "subtitle",
    "channel_name": "channelName",
    "link": "link",
    "ios_deep_link": "iOSDeepLink",
}
FLAGS = {"open_in_home_feed": "openInHomeFeed", "open_link_in_app": "openLinkInApp"}
LISTS = {
    "push_to_followers": "pushToFollowers",
    "push_to_phone_numbers": "pushToPhoneNumbers",
    "push_to_emails": "pushToEmails",
}
TIMES = {"schedule": "scheduled", "expiration": "expirationStamp"}


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Spontit API key credential. Needed to run."
    )
    operation: Literal["push"] = Field(
        "push", description="push: send a push notification to your followers."
    )
    content: str = Field(
        "",
        description="The notification's text (up to 2500 characters).",
        json_schema_extra=used_by("push", required=True),
    )
    title: str = Field(
        "",
        description="The title, in bold above the text (up to 100 characters).",
        json_schema_extra=PUSH,
    )
    subtitle: str = Field(
        "",
        description="A subtitle, shown on iOS only (up to 20 characters).",
        json_schema_extra=PUSH,
    )
    channel_name: str = Field(
        "",
        description="One of your channels to push to (empty: your main account).",
        json_schema_extra=PUSH,
    )
    link: str = Field("", description="A URL attached to the push.", json_schema_extra=PUSH)
    ios_deep_link: str = Field(
        "", description="An iOS deep link into another app.", json_schema_extra=PUSH
    )
    open_in_home_feed: bool = Field(
        False,
        description="Open the push in the home feed (off: on a page of its own).",
        json_schema_extra=PUSH,
    )
    open_link_in_app: bool = Field(
        False,
        description="Open the link inside the iOS app (off: in the browser).",
        json_schema_extra=PUSH,
    )
    push_to_followers: list[str] = Field(
        default_factory=list,
        description="Only these followers (their user IDs); all three lists empty: every follower.",
        json_schema_extra=PUSH,
    )
    push_to_phone_numbers: list[str] = Field(
        default_factory=list,
        description="Only the followers with these phone numbers.",
        json_schema_extra=PUSH,
    )
    push_to_emails: list[str] = Field(
        default_factory=list,
        description="Only the followers with these email addresses.",
        json_schema_extra=PUSH,
    )
    schedule: str = Field(
        "",
        description="When to send it: a date-time (ISO 8601) or Unix seconds (empty: now).",
        examples=["2026-12-24T09:00:00"],
        json_schema_extra=PUSH,
    )
    expiration: str = Field(
        "",
        description="When it expires: a date-time (ISO 8601) or Unix seconds (empty: Spontit's "
        "default, 10 days after it is sent).",
        examples=["2026-12-31T23:00:00"],
        json_schema_extra=PUSH,
    )
    time_zone: str = Field(
        "UTC",
        description="The IANA time zone of schedule and expiration times written without an "
        "offset, e.g. Europe/Berlin.",
        examples=["Europe/Berlin"],
        json_schema_extra=PUSH,
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip() or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise NodeError(
            f"time_zone “{name}” is not an IANA time zone (e.g. Europe/Berlin)."
        ) from None


def _seconds(field: str, value: str, zone: ZoneInfo) -> int:
    """`value` as Unix seconds: written so, or a date-time (in `zone` without an offset)."""
    text = value.strip()
    if text.isdigit():
        return int(text)
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise NodeError(f"{field} must be a date-time or Unix seconds, not “{value}”.") from None
    return int((when if when.tzinfo else when.replace(tzinfo=zone)).astimezone(UTC).timestamp())


def push_body(config: Config) -> dict[str, Any]:
    """The push as Spontit's `POST /v3/push` takes it: the fields set, nothing else."""
    if not config.content.strip():
        raise NodeError("The content rendered empty: Spontit needs text to push.")
    body: dict[str, Any] = {"content": config.content}
    for field, name in TEXTS.items():
        if value := getattr(config, field).strip():
            body[name] = value
    for field, name in FLAGS.items():
        if getattr(config, field):
            body[name] = True
    for field, name in LISTS.items():
        if values := [v.strip() for v in getattr(config, field) if v.strip()]:
            body[name] = values
    for field, name in TIMES.items():
        if value := getattr(config, field).strip():
            body[name] = _seconds(field, value, _zone(config.time_zone))
    return body


def run(config: Config, ctx: RunContext) -> Any:
    """The push Spontit made (its answer's `data`), as n8n outputs it."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    return rest_api.call(secret, "POST", "/push", what="push", json=push_body(config))


NODE = NodeType(
    type="app.spontit",
    label="Spontit",
    category="app",
    description="Sends a push notification to your Spontit followers' phones and browsers.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="✺",
    examples=(
        (
            "Push the Spontit notification Build finished titled CI, credential 5",
            {"credential": 5, "operation": "push", "content": "Build finished", "title": "CI"},
        ),
        (
            "Send a Spontit push to the channel alerts saying the temperature",
            {
                "operation": "push",
                "content": "It is {{ nodes.weather.main.temp }}°C",
                "channel_name": "alerts",
            },
        ),
    ),
)
