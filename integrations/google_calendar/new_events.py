"""trigger.poll's `google_calendar` source (n8n's Google Calendar Trigger): a calendar's events
created, updated, cancelled, started or ended lately.

n8n's trigger keeps the time of its last check and asks for what happened since; WorkFuse asks
for what happened in the last day (`LOOKBACK`) at each poll, and the poll remembers what it has
seen (the first poll only records). Events come as Calendar gives them, as n8n outputs them:

* event_created: events updated lately (`updatedMin`, `orderBy=updated`) whose `created` is in
  the last day; new by `id`.
* event_updated: events updated lately whose `updated` differs from `created` (to the second,
  n8n's test); new by `change_id`, the id and `updated` together, so each change starts a run.
* event_cancelled: the same with deleted events shown, those whose status is cancelled; by `id`.
* event_started / event_ended: single events (a recurring event's occurrences each with its
  own id, `<event id>_<time>`) between a day ago and now (`timeMin`, `timeMax`,
  `orderBy=startTime`) whose start (or end) has passed in the last day; by `id`. An all-day
  event starts (ends) at midnight in the calendar's time zone (n8n read only `dateTime`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from integrations.google_calendar import calendar_api
from workfuse.lib.node_run import NodeError, Secret

LOOKBACK = timedelta(days=1)
PAGE_SIZE = 250
MAX_EVENTS = 2500  # events read in one poll: what happened in a day, and more
EVENTS = ("event_created", "event_updated", "event_cancelled", "event_started", "event_ended")


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _instant(value: Any) -> datetime | None:
    try:
        found = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


def _moment(when: Any, zone: ZoneInfo) -> datetime | None:
    """An event's start or end as an instant (an all-day date: midnight in `zone`)."""
    if not isinstance(when, dict):
        return None
    if when.get("dateTime"):
        return _instant(when["dateTime"])
    if when.get("date"):
        found = _instant(when["date"])
        return found.replace(tzinfo=zone) if found is not None else None
    return None


def _zone(name: Any) -> ZoneInfo:
    try:
        return ZoneInfo(str(name or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _events(secret: Secret, calendar_id: str, params: dict[str, Any]) -> tuple[list[Any], ZoneInfo]:
    """Every page of the listing (at most MAX_EVENTS) and the calendar's time zone."""
    path = calendar_api.calendar_path(calendar_id, "/events")
    found: list[Any] = []
    token, zone = "", None
    while len(found) < MAX_EVENTS:
        page = {"maxResults": PAGE_SIZE, **({"pageToken": token} if token else {})}
        answer = calendar_api.call(secret, "GET", path, "events.list", params={**params, **page})
        zone = zone or answer.get("timeZone")
        found += [e for e in answer.get("items") or [] if isinstance(e, dict)]
        token = str(answer.get("nextPageToken") or "")
        if not token:
            break
    return found[:MAX_EVENTS], _zone(zone)


def poll_events(secret: Secret, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The calendar's events that match the trigger's event lately. Raises NodeError."""
    calendar_id = str(settings.get("calendar_id") or "").strip()
    event = str(settings.get("calendar_event") or "event_created")
    if not calendar_id or event not in EVENTS:
        raise NodeError("The poll trigger needs calendar_id and calendar_event.")
    now = datetime.now(UTC)
    since = now - LOOKBACK
    params: dict[str, Any] = {}
    match = str(settings.get("calendar_match") or "").strip()
    if match:
        params["q"] = match
    if event in ("event_started", "event_ended"):
        params |= {
            "singleEvents": "true",
            "timeMin": _rfc3339(since),
            "timeMax": _rfc3339(now),
            "orderBy": "startTime",
        }
        events, zone = _events(secret, calendar_id, params)
        edge = "start" if event == "event_started" else "end"
        return [e for e in events if _passed(_moment(e.get(edge), zone), since, now)]
    params |= {"updatedMin": _rfc3339(since), "orderBy": "updated"}
    params["showDeleted"] = "true" if event == "event_cancelled" else "false"
    events, _ = _events(secret, calendar_id, params)
    if event == "event_created":
        return [
            e
            for e in events
            if e.get("status") != "cancelled" and _passed(_instant(e.get("created")), since, now)
        ]
    changed = [e for e in events if str(e.get("created"))[:19] != str(e.get("updated"))[:19]]
    if event == "event_cancelled":
        return [e for e in changed if e.get("status") == "cancelled"]
    return [
        {**e, "change_id": f"{e.get('id')}@{e.get('updated')}"}
        for e in changed
        if e.get("status") != "cancelled"
    ]


def _passed(moment: datetime | None, since: datetime, now: datetime) -> bool:
    return moment is not None and since <= moment <= now
