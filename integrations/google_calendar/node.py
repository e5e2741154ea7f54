"""app.google_calendar: list, read, create, update and delete events, list calendars and ask
whether a calendar is free, as a service account.

Outputs keep the Calendar API's own JSON (`id`, `summary`, `start`, `end`, `htmlLink`, ...), as
n8n's Google Calendar node passes it on; a listing puts the events under `events`.

Times are ISO 8601 (2026-03-01T09:00:00+01:00, 2026-03-01 09:00, 2026-03-01). A time without an
offset is read in `time_zone`, or in the calendar's own time zone when that is empty (n8n read
it in the workflow's time zone). An all-day event takes the dates of `start` and `end` (Google's
end date is exclusive: a one-day event on 1 March ends on 2 March).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field

from integrations.google_calendar import calendar_api
from integrations.google_sheets.credentials import ServiceAccountKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

MAX_RESULTS = 2500  # Calendar's largest page; also the most one step lists
PAGE_SIZE = 250
EVENT_FIELDS = ("summary", "description", "location")


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your Google service account key credential. Needed to run."
    )
    operation: Literal[
        "list_events",
        "get_event",
        "create_event",
        "update_event",
        "delete_event",
        "list_calendars",
        "availability",
    ] = Field(
        "list_events",
        description="list_events: the events in a time range (or matching a search). "
        "get_event, create_event, update_event, delete_event: one event. list_calendars: the "
        "calendars in the account's list. availability: whether the calendar is free between "
        "time_min and time_max (Calendar's free/busy).",
    )
    calendar_id: str = Field(
        "primary",
        description="The calendar: its id (an email address for a person's calendar, "
        "…@group.calendar.google.com for others). Share it with the service account's "
        "client_email. primary: the service account's own calendar.",
        json_schema_extra=used_by(
            "list_events",
            "get_event",
            "create_event",
            "update_event",
            "delete_event",
            "availability",
            required=True,
        ),
    )
    event_id: str = Field(
        "",
        description="The event's id.",
        json_schema_extra=used_by("get_event", "update_event", "delete_event", required=True),
    )
    time_min: str = Field(
        "",
        description="list_events: events ending after this time (empty: no bound). "
        "availability: the start of the span to check.",
        json_schema_extra=used_by("list_events", "availability", required=("availability",)),
    )
    time_max: str = Field(
        "",
        description="list_events: events starting before this time (empty: no bound). "
        "availability: the end of the span to check.",
        json_schema_extra=used_by("list_events", "availability", required=("availability",)),
    )
    query: str = Field(
        "",
        description="list_events: only events with this text (in the title, description, "
        "location, attendees …).",
        json_schema_extra=used_by("list_events"),
    )
    single_events: bool = Field(
        True,
        description="list_events: list each occurrence of a recurring event (on), or the "
        "recurring event once (off).",
        json_schema_extra=used_by("list_events"),
    )
    order_by: Literal["", "startTime", "updated"] = Field(
        "",
        description="list_events: startTime (needs single_events), updated, or empty "
        "(Calendar's order).",
        json_schema_extra=used_by("list_events"),
    )
    show_deleted: bool = Field(
        False,
        description="list_events: also cancelled events.",
        json_schema_extra=used_by("list_events"),
    )
    limit: int = Field(
        50,
        ge=1,
        le=MAX_RESULTS,
        description=f"list_events, list_calendars: at most this many (up to {MAX_RESULTS}).",
        json_schema_extra=used_by("list_events", "list_calendars"),
    )
    summary: str = Field(
        "",
        description="create_event, update_event: the title (update: empty leaves it).",
        json_schema_extra=used_by("create_event", "update_event"),
    )
    start: str = Field(
        "",
        description="create_event, update_event: when it starts (update: empty leaves it).",
        json_schema_extra=used_by("create_event", "update_event", required=("create_event",)),
    )
    end: str = Field(
        "",
        description="create_event, update_event: when it ends (update: empty leaves it).",
        json_schema_extra=used_by("create_event", "update_event", required=("create_event",)),
    )
    all_day: bool = Field(
        False,
        description="create_event, update_event: an all-day event on the dates of start and end.",
        json_schema_extra=used_by("create_event", "update_event"),
    )
    time_zone: str = Field(
        "",
        description="An IANA time zone (Europe/Paris). create_event, update_event: the event's "
        "zone, and the one times without an offset are read in. list_events, get_event: the "
        "zone of the times in the answer. availability: the zone of the answer. Empty: the "
        "calendar's own zone.",
        json_schema_extra=used_by(
            "create_event", "update_event", "list_events", "get_event", "availability"
        ),
    )
    description: str = Field(
        "",
        description="create_event, update_event: the event's description (update: empty "
        "leaves it).",
        json_schema_extra=used_by("create_event", "update_event"),
    )
    location: str = Field(
        "",
        description="create_event, update_event: where it is (update: empty leaves it).",
        json_schema_extra=used_by("create_event", "update_event"),
    )
    attendees: list[str] = Field(
        default_factory=list,
        description="create_event, update_event: the guests' emails (an entry may list "
        "several, comma-separated).",
        json_schema_extra=used_by("create_event", "update_event"),
    )
    attendees_mode: Literal["replace", "add"] = Field(
        "replace",
        description="update_event: the attendees replace the guests (replace) or join them "
        "(add). With no attendees the guests stay as they are.",
        json_schema_extra=used_by("update_event"),
    )
    send_updates: Literal["", "all", "externalOnly", "none"] = Field(
        "",
        description="create_event, update_event, delete_event: whom Google emails about the "
        "change: all guests, externalOnly (guests outside Google Calendar), none. Empty: "
        "Google's default (none).",
        json_schema_extra=used_by("create_event", "update_event", "delete_event"),
    )
    conference: Literal["", "hangoutsMeet", "eventHangout", "eventNamedHangout"] = Field(
        "",
        description="create_event: a conference Google makes for the event: hangoutsMeet "
        "(Google Meet), eventHangout (Hangouts), eventNamedHangout (classic Hangouts for Google "
        "Workspace). The event answered holds its link (hangoutLink, conferenceData.entryPoints). "
        "Empty: none.",
        json_schema_extra=used_by("create_event"),
    )
    default_reminders: bool = Field(
        True,
        description="create_event: the calendar's default reminders. Off: the event has none.",
        json_schema_extra=used_by("create_event"),
    )
    output_format: Literal["availability", "booked_slots", "raw"] = Field(
        "availability",
        description="availability: {available: true/false} (availability), the busy spans "
        "{busy: [{start, end}]} (booked_slots), or Calendar's whole free/busy answer (raw).",
        json_schema_extra=used_by("availability"),
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise NodeError(f"'{name}' is not a time zone (an IANA name, e.g. Europe/Paris).") from None


def parse_time(value: str, field: str) -> datetime | date:
    """An ISO 8601 date and time (a date alone is a date)."""
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise NodeError(
            f"{field} '{value}' is not a date and time (ISO 8601, e.g. 2026-03-01T09:00:00+01:00 "
            "or 2026-03-01)."
        ) from None


class _Calendar:
    """The calendar's own time zone, asked once and only when a time needs it."""

    def __init__(self, secret: Secret, config: Config) -> None:
        self.secret, self.config = secret, config
        self._zone: str | None = None

    def zone(self) -> str:
        if self.config.time_zone.strip():
            return self.config.time_zone.strip()
        if self._zone is None:
            found = calendar_api.call(
                self.secret,
                "GET",
                calendar_api.calendar_path(self.config.calendar_id),
                "calendars.get",
            )
            self._zone = str(found.get("timeZone") or "UTC")
        return self._zone

    def instant(self, value: str, field: str) -> str:
        """RFC 3339 with an offset, as the API's time bounds need."""
        found = parse_time(value, field)
        if not isinstance(found, datetime):
            found = datetime(found.year, found.month, found.day)
        if found.tzinfo is None:
            found = found.replace(tzinfo=_zone(self.zone()))
        return found.isoformat()

    def when(self, value: str, field: str) -> dict[str, Any]:
        """An event's start or end."""
        found = parse_time(value, field)
        if self.config.all_day:
            day = found.date() if isinstance(found, datetime) else found
            return {"date": day.isoformat()}
        if not isinstance(found, datetime):
            found = datetime(found.year, found.month, found.day)
        zone = self.zone() if found.tzinfo is None else self.config.time_zone.strip()
        if zone:
            _zone(zone)
        out: dict[str, Any] = {"dateTime": found.isoformat()}
        if zone:
            out["timeZone"] = zone
        return out


def _attendees(entries: list[str]) -> list[dict[str, str]]:
    return [
        {"email": part.strip()}
        for entry in entries
        for part in str(entry).split(",")
        if part.strip()
    ]


def _params(config: Config, *names: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if "sendUpdates" in names and config.send_updates:
        params["sendUpdates"] = config.send_updates
    if "timeZone" in names and config.time_zone.strip():
        params["timeZone"] = _zone(config.time_zone.strip()).key
    return params


def _listing(
    secret: Secret, path: str, what: str, params: dict[str, Any], limit: int
) -> tuple[list[dict[str, Any]], bool]:
    found: list[dict[str, Any]] = []
    token = ""
    while True:
        page = {"maxResults": min(PAGE_SIZE, limit - len(found))}
        answer = calendar_api.call(
            secret,
            "GET",
            path,
            what,
            params={**params, **page, **({"pageToken": token} if token else {})},
        )
        found += [e for e in answer.get("items") or [] if isinstance(e, dict)]
        token = str(answer.get("nextPageToken") or "")
        if not token or len(found) >= limit:
            return found[:limit], bool(token) or len(found) > limit


def list_events(secret: Secret, config: Config) -> dict[str, Any]:
    calendar = _Calendar(secret, config)
    params = _params(config, "timeZone")
    if config.time_min.strip():
        params["timeMin"] = calendar.instant(config.time_min, "time_min")
    if config.time_max.strip():
        params["timeMax"] = calendar.instant(config.time_max, "time_max")
    if config.query.strip():
        params["q"] = config.query.strip()
    if config.single_events:
        params["singleEvents"] = "true"
    if config.order_by:
        if config.order_by == "startTime" and not config.single_events:
            raise NodeError("order_by startTime needs single_events on (Calendar's rule).")
        params["orderBy"] = config.order_by
    if config.show_deleted:
        params["showDeleted"] = "true"
    path = calendar_api.calendar_path(config.calendar_id, "/events")
    events, truncated = _listing(secret, path, "events.list", params, config.limit)
    return {"events": events, "count": len(events), "truncated": truncated}


def get_event(secret: Secret, config: Config) -> dict[str, Any]:
    return calendar_api.call(
        secret,
        "GET",
        calendar_api.event_path(config.calendar_id, config.event_id),
        "events.get",
        params=_params(config, "timeZone"),
    )


def create_event(secret: Secret, config: Config) -> dict[str, Any]:
    calendar = _Calendar(secret, config)
    body: dict[str, Any] = {
        "start": calendar.when(config.start, "start"),
        "end": calendar.when(config.end, "end"),
    }
    for name in EVENT_FIELDS:
        if getattr(config, name):
            body[name] = getattr(config, name)
    if attendees := _attendees(config.attendees):
        body["attendees"] = attendees
    if not config.default_reminders:
        body["reminders"] = {"useDefault": False}
    params = _params(config, "sendUpdates")
    if config.conference:
        # Calendar ignores conferenceData unless conferenceDataVersion is 1, and a requestId it
        # has seen makes no conference: a new id for each event.
        params["conferenceDataVersion"] = 1
        body["conferenceData"] = {
            "createRequest": {
                "requestId": uuid.uuid4().hex,
                "conferenceSolutionKey": {"type": config.conference},
            }
        }
    path = calendar_api.calendar_path(config.calendar_id, "/events")
    try:
        return calendar_api.call(secret, "POST", path, "events.insert", json=body, params=params)
    except NodeError as error:
        raise _conference_refused(config, error) from None


def _conference_refused(config: Config, error: NodeError) -> NodeError:
    """Calendar's 400 on a conference it will not make (`Invalid conference type value.`), with
    what to do about it; any other error as it is."""
    said = str(error.detail.get("error") or "")
    if not config.conference or error.detail.get("status") != 400 or "conference" not in said:
        return error
    return NodeError(
        f"Google Calendar would not add a conference of type {config.conference} to an event "
        f"of {config.calendar_id} ({said}): a calendar offers only the conference types in its "
        "conferenceProperties (allowedConferenceSolutionTypes), and Google often refuses "
        "conferences to a service account that does not act for a Google Workspace user "
        "(domain-wide delegation, which this credential does not use). Leave conference empty "
        "to create the event without one.",
        detail=error.detail,
    )


def update_event(secret: Secret, config: Config) -> dict[str, Any]:
    calendar = _Calendar(secret, config)
    path = calendar_api.event_path(config.calendar_id, config.event_id)
    body: dict[str, Any] = {}
    if config.start.strip():
        body["start"] = calendar.when(config.start, "start")
    if config.end.strip():
        body["end"] = calendar.when(config.end, "end")
    for name in EVENT_FIELDS:
        if getattr(config, name):
            body[name] = getattr(config, name)
    if attendees := _attendees(config.attendees):
        if config.attendees_mode == "add":
            current = calendar_api.call(secret, "GET", path, "events.get")
            known = [a for a in current.get("attendees") or [] if isinstance(a, dict)]
            emails = {str(a.get("email", "")).lower() for a in known}
            attendees = known + [a for a in attendees if a["email"].lower() not in emails]
        body["attendees"] = attendees
    # An empty patch changes nothing and answers the event, as n8n's update with no fields.
    return calendar_api.call(
        secret, "PATCH", path, "events.patch", json=body, params=_params(config, "sendUpdates")
    )


def delete_event(secret: Secret, config: Config) -> dict[str, Any]:
    calendar_api.call(
        secret,
        "DELETE",
        calendar_api.event_path(config.calendar_id, config.event_id),
        "events.delete",
        params=_params(config, "sendUpdates"),
    )
    return {"success": True, "id": config.event_id}


def list_calendars(secret: Secret, config: Config) -> dict[str, Any]:
    path = "/calendar/v3/users/me/calendarList"
    calendars, truncated = _listing(secret, path, "calendarList.list", {}, config.limit)
    return {"calendars": calendars, "count": len(calendars), "truncated": truncated}


def availability(secret: Secret, config: Config) -> dict[str, Any]:
    calendar = _Calendar(secret, config)
    body = {
        "timeMin": calendar.instant(config.time_min, "time_min"),
        "timeMax": calendar.instant(config.time_max, "time_max"),
        "timeZone": calendar.zone(),
        "items": [{"id": config.calendar_id}],
    }
    answer = calendar_api.call(secret, "POST", "/calendar/v3/freeBusy", "freebusy.query", json=body)
    found = (answer.get("calendars") or {}).get(config.calendar_id)
    if not isinstance(found, dict):
        raise NodeError(f"Google Calendar's free/busy answer has no calendar {config.calendar_id}.")
    if found.get("errors"):
        reasons = ", ".join(str(e.get("reason")) for e in found["errors"] if isinstance(e, dict))
        raise NodeError(
            f"Google Calendar could not tell the free/busy times of {config.calendar_id} "
            f"({reasons}): share the calendar with the service account."
        )
    busy = [b for b in found.get("busy") or [] if isinstance(b, dict)]
    if config.output_format == "availability":
        return {"available": not busy}
    if config.output_format == "booked_slots":
        return {"busy": busy}
    return answer


OPERATIONS = {
    "list_events": list_events,
    "get_event": get_event,
    "create_event": create_event,
    "update_event": update_event,
    "delete_event": delete_event,
    "list_calendars": list_calendars,
    "availability": availability,
}


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """list_events: {events, count, truncated}; list_calendars: {calendars, count, truncated};
    delete_event: {success, id}; availability: {available} or {busy} or the whole answer; the
    others: the event as Calendar describes it."""
    secret, _ = credential_for(ctx, config.operation, ServiceAccountKey)
    return OPERATIONS[config.operation](secret, config)


NODE = NodeType(
    type="app.google_calendar",
    label="Google Calendar",
    category="app",
    description="Lists, reads, creates, updates and deletes Google Calendar events, lists "
    "calendars and checks whether a calendar is free, as a service account.",
    Config=Config,
    run=run,
    credential_kinds=(ServiceAccountKey.kind,),
    icon="▦",
    examples=(
        (
            "List the events of team@acme.com on the day the webhook sent, credential 3",
            {
                "credential": 3,
                "operation": "list_events",
                "calendar_id": "team@acme.com",
                "time_min": "{{ trigger.body.day }}T00:00:00",
                "time_max": "{{ trigger.body.day }}T23:59:59",
                "order_by": "startTime",
            },
        ),
        (
            "Book a 30-minute Google Meet call with the lead from the form",
            {
                "operation": "create_event",
                "calendar_id": "sales@acme.com",
                "summary": "Call with {{ trigger.body.name }}",
                "start": "{{ trigger.body.start }}",
                "end": "{{ trigger.body.end }}",
                "attendees": ["{{ trigger.body.email }}"],
                "send_updates": "all",
                "conference": "hangoutsMeet",
            },
        ),
        (
            "A day off on 1 May as an all-day event",
            {
                "operation": "create_event",
                "summary": "Day off",
                "start": "2026-05-01",
                "end": "2026-05-02",
                "all_day": True,
            },
        ),
        (
            "Is the calendar free between the two times the customer asked for?",
            {
                "operation": "availability",
                "calendar_id": "sales@acme.com",
                "time_min": "{{ trigger.body.start }}",
                "time_max": "{{ trigger.body.end }}",
            },
        ),
        (
            "Move event abc123 to the new time",
            {
                "operation": "update_event",
                "event_id": "abc123",
                "start": "{{ trigger.body.start }}",
                "end": "{{ trigger.body.end }}",
            },
        ),
        (
            "Cancel event abc123 and tell the guests",
            {"operation": "delete_event", "event_id": "abc123", "send_updates": "all"},
        ),
        ("Read event abc123", {"operation": "get_event", "event_id": "abc123"}),
        ("List the calendars the account has", {"operation": "list_calendars"}),
    ),
)
