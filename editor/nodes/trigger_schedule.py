from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from pydantic import Field, field_validator

from editor.nodes.base import NodeConfig, NodeType, RunContext


class Config(NodeConfig):
    cron: str = Field(
        "0 9 * * 1-5",
        description="When to run, as a cron expression (minute hour day-of-month month day-of-week), "
        "e.g. '*/15 * * * *' for every 15 minutes or '0 9 * * 1-5' for 9:00 on weekdays.",
    )
    timezone: str = Field(
        "UTC", description="IANA time zone the cron times are in, e.g. 'Europe/Berlin'."
    )
    skip_if_running: bool = Field(
        False, description="Skip a due run while the previous scheduled run is still going."
    )

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        value = " ".join(value.split())
        if len(value.split(" ")) != 5 or not croniter.is_valid(value):
            raise ValueError(
                f"'{value}' is not a 5-field cron expression (minute hour day month weekday)"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"'{value}' is not an IANA time zone such as 'UTC' or 'America/New_York'"
            ) from exc
        return value


def run(config: Config, ctx: RunContext) -> Any:
    """The output is {scheduled_at, fired_at}, given by the scheduler."""
    return ctx.input


NODE = NodeType(
    type="trigger.schedule",
    label="Schedule",
    category="trigger",
    description="Starts the workflow on a cron schedule, in a time zone of your choice.",
    Config=Config,
    run=run,
)
