"""app.strava: the athlete's activities created, read, listed and updated, and an activity's
comments, kudos, laps, zones and streams, as n8n's Strava node (version 1) does them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal, get_args

from pydantic import ConfigDict, Field

from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from integrations.strava.credentials import StravaOAuth2
from integrations.strava.rest_api import Athlete
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "create_activity",
    "get_activity",
    "update_activity",
    "list_activities",
    "list_comments",
    "list_kudos",
    "list_laps",
    "list_zones",
    "get_streams",
]
OF_ACTIVITY = {
    "list_comments": "comments",
    "list_kudos": "kudos",
    "list_laps": "laps",
    "list_zones": "zones",
}
BY_ID = ("get_activity", "update_activity", "get_streams", *OF_ACTIVITY)
WRITES = ("create_activity", "update_activity")
LISTS = ("list_activities", *OF_ACTIVITY)
Stream = Literal[
    "altitude",
    "cadence",
    "distance",
    "grade_smooth",
    "heartrate",
    "latlng",
    "moving",
    "temp",
    "time",
    "velocity_smooth",
    "watts",
]
STREAMS = get_args(Stream)
MAX_RESULTS = 5000


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Strava OAuth2 credential. Needed to run."
    )
    operation: Operation = Field(
        "get_activity",
        description="create_activity: a manual activity. get_activity / update_activity: one "
        "activity by id. list_activities: the athlete's activities, newest first. "
        "list_comments / list_kudos / list_laps / list_zones: an activity's. get_streams: an "
        "activity's recorded streams (heart rate, watts, …) by type.",
    )
    activity_id: str = Field(
        "", description="The activity's id.", json_schema_extra=used_by(*BY_ID, required=True)
    )
    name: str = Field(
        "",
        description="The activity's name (update_activity: empty leaves it).",
        json_schema_extra=used_by(*WRITES, required=("create_activity",)),
    )
    activity_type: str = Field(
        "",
        description="The activity's type: Run, Ride, Swim, Walk, … (update_activity: empty "
        "leaves it).",
        json_schema_extra=used_by(*WRITES, required=("create_activity",)),
    )
    start_date: str = Field(
        "",
        description="create_activity: when it started, ISO 8601 (2026-10-01T18:30:00Z).",
        json_schema_extra=used_by("create_activity", required=True),
    )
    elapsed_time: int | str = Field(
        0,
        description="create_activity: how long it lasted, in seconds.",
        json_schema_extra=used_by("create_activity"),
    )
    distance: float | str | None = Field(
        None,
        description="create_activity: the distance in meters.",
        json_schema_extra=used_by("create_activity"),
    )
    description: str = Field(
        "",
        description="The activity's description (update_activity: empty leaves it).",
        json_schema_extra=used_by(*WRITES),
    )
    commute: bool | None = Field(
        None,
        description="Mark it as a commute (true) or not (false); empty leaves it.",
        json_schema_extra=used_by(*WRITES),
    )
    trainer: bool | None = Field(
        None,
        description="Mark it as done on a trainer (true) or not (false); empty leaves it.",
        json_schema_extra=used_by(*WRITES),
    )
    gear_id: str = Field(
        "",
        description="update_activity: the gear's id (none clears it); empty leaves it.",
        json_schema_extra=used_by("update_activity"),
    )
    stream_keys: list[Stream] = Field(
        default_factory=list,
        description=f"get_streams: the streams to read: {', '.join(STREAMS)}.",
        examples=[["heartrate", "watts"]],
        json_schema_extra=used_by("get_streams", required=True),
    )
    max_results: int = Field(
        50,
        ge=1,
        le=MAX_RESULTS,
        description=f"The list operations: keep at most this many (1 to {MAX_RESULTS}).",
        json_schema_extra=used_by(*LISTS),
    )


def _number(value: Any, name: str, kind: type[int] | type[float]) -> int | float:
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise NodeError(f"{name} must be a number, not {str(value)[:40]!r}.") from None


def _start_date(value: str) -> str:
    """The start as UTC ISO 8601 with milliseconds, as n8n sends it (a date without a zone is
    taken as UTC)."""
    try:
        start = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise NodeError(
            f"start_date must be an ISO 8601 date and time, not {value[:40]!r}."
        ) from None
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    return start.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _form(config: Config) -> dict[str, Any]:
    """The fields set, as Strava's form takes them (n8n sends commute and trainer as 1)."""
    form: dict[str, Any] = {}
    for name, key in (("name", "name"), ("activity_type", "type"), ("description", "description")):
        if getattr(config, name):
            form[key] = getattr(config, name)
    for flag in ("commute", "trainer"):
        value = getattr(config, flag)
        if value is not None:
            form[flag] = 1 if value else "false"
    if config.operation == "update_activity":
        if config.gear_id:
            form["gear_id"] = config.gear_id
        return form
    form["start_date_local"] = _start_date(config.start_date)
    form["elapsed_time"] = _number(config.elapsed_time, "elapsed_time", int)
    if config.distance not in (None, ""):
        form["distance"] = _number(config.distance, "distance", float)
    return form


def run(config: Config, ctx: RunContext) -> Any:
    """As n8n outputs it: the activity (create, get, update: Strava's DetailedActivity); the
    streams keyed by type; the lists as {items, count} (n8n emits each entry as an item)."""
    secret, _ = credential_for(ctx, config.operation, StravaOAuth2)
    athlete, op = Athlete(secret), config.operation
    one = f"/activities/{config.activity_id.strip()}"
    if op == "create_activity":
        return athlete.call("POST", "/activities", op, data=_form(config))
    if op == "update_activity":
        return athlete.call("PUT", one, op, data=_form(config))
    if op == "get_activity":
        return athlete.call("GET", one, op)
    if op == "get_streams":
        query = {"keys": ",".join(config.stream_keys), "key_by_type": "true"}
        return athlete.call("GET", f"{one}/streams", op, params=query)
    if op == "list_activities":
        found = athlete.pages("/athlete/activities", op, config.max_results)
    else:
        answer = athlete.call("GET", f"{one}/{OF_ACTIVITY[op]}", op)
        found = (answer if isinstance(answer, list) else [answer])[: config.max_results]
    return {"items": found, "count": len(found)}


NODE = NodeType(
    type="app.strava",
    label="Strava",
    category="app",
    description="Creates, reads, lists and updates the athlete's Strava activities, and reads "
    "an activity's comments, kudos, laps, zones and streams.",
    Config=Config,
    run=run,
    credential_kinds=(StravaOAuth2.kind,),
    icon="🏃",
    examples=(
        (
            "Log a 1 km run named Morning Run on Strava, started 2026-10-01 18:30 UTC, lasting "
            "an hour, with credential 3",
            {
                "credential": 3,
                "operation": "create_activity",
                "name": "Morning Run",
                "activity_type": "Run",
                "start_date": "2026-10-01T18:30:00Z",
                "elapsed_time": 3600,
                "distance": 1000,
            },
        ),
        (
            "Read Strava activity 154504250376",
            {"operation": "get_activity", "activity_id": "154504250376"},
        ),
        (
            "Set the description of Strava activity 154504250376 to Morning run in the park",
            {
                "operation": "update_activity",
                "activity_id": "154504250376",
                "description": "Morning run in the park",
            },
        ),
        (
            "List my 10 latest Strava activities",
            {"operation": "list_activities", "max_results": 10},
        ),
        (
            "List the comments on Strava activity 154504250376",
            {"operation": "list_comments", "activity_id": "154504250376"},
        ),
        (
            "Who gave kudos to Strava activity 154504250376? At most 100",
            {"operation": "list_kudos", "activity_id": "154504250376", "max_results": 100},
        ),
        (
            "List the laps of Strava activity 154504250376",
            {"operation": "list_laps", "activity_id": "154504250376"},
        ),
        (
            "Read the heart rate and power zones of Strava activity 154504250376",
            {"operation": "list_zones", "activity_id": "154504250376"},
        ),
        (
            "Read the heart rate and watts streams of Strava activity 154504250376",
            {
                "operation": "get_streams",
                "activity_id": "154504250376",
                "stream_keys": ["heartrate", "watts"],
            },
        ),
    ),
)
