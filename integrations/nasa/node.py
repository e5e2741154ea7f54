"""app.nasa: NASA's Astronomy Picture of the Day (today's, or a given date's), as n8n's NASA
node gets it with Download Image off: APOD's JSON (title, explanation, url, hdurl,
media_type, date, copyright) as the output."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from pydantic import Field, field_validator

from integrations.nasa import rest_api
from integrations.nasa.credentials import ApiKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import RunContext
from workfuse.lib.node_types import NodeType


class Config(OperationConfig):
    credential: int | None = Field(None, ge=1, description="Your NASA API key credential.")
    operation: Literal["apod"] = Field(
        "apod", description="apod: the Astronomy Picture of the Day."
    )
    date: str = Field(
        "",
        description="apod: the day (YYYY-MM-DD); empty for today's picture.",
        json_schema_extra=used_by("apod") | {"examples": ["2024-01-31"]},
    )

    @field_validator("date")
    @classmethod
    def _day(cls, value: str) -> str:
        value = value.strip()
        if value and "{{" not in value:
            # n8n formats any date it is given as its day (moment(date).format('YYYY-MM-DD')).
            try:
                return datetime.datetime.fromisoformat(value).date().isoformat()
            except ValueError:
                raise ValueError("must be a date, YYYY-MM-DD") from None
        return value


def run(config: Config, ctx: RunContext) -> Any:
    """APOD's JSON object for the day."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    params = {"date": config.date[:10]} if config.date else {}
    return rest_api.call(secret, "/planetary/apod", params, what="apod")


NODE = NodeType(
    type="app.nasa",
    label="NASA",
    category="app",
    description="Gets NASA's Astronomy Picture of the Day: its title, explanation and image URL.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="🚀",
    examples=(
        ("Get today's NASA astronomy picture with credential 3", {"credential": 3}),
        (
            "Get NASA's astronomy picture of the day for 2024-01-31",
            {"operation": "apod", "date": "2024-01-31"},
        ),
    ),
)
