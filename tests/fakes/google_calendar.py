"""A fake Google Calendar API (v3) next to the fake Sheets API (one Google, one token endpoint):
calendars.get, calendarList.list, events list (timeMin/timeMax overlap, q, updatedMin,
orderBy, showDeleted for cancelled events, paging; RFC 3339 bounds with an offset, as Calendar
insists), get, insert, patch, delete and freeBusy.query, over
in-memory calendars, with Calendar's error shapes (those of Drive).

An insert with `conferenceDataVersion=1` and a `conferenceData.createRequest` makes the
conference as Calendar does: only of a type the calendar allows (its
conferenceProperties.allowedConferenceSolutionTypes; else 400 "Invalid conference type value."),
once per requestId (a repeated one is ignored), answered as conferenceData (the createRequest
with its status, entryPoints, conferenceSolution, conferenceId) and hangoutLink. Without that
version Calendar drops conferenceData from the body, and so does the fake."""

from __future__ import annotations

import secrets
from datetime import datetime
from string import ascii_lowercase
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from tests.fakes import Answer, Received
from tests.fakes.google_drive import drive_error
from tests.fakes.google_sheets import FakeGoogle


def _instant(value: str) -> datetime | None:
    try:
        found = datetime.fromisoformat(value)
    except ValueError:
        return None
    return found if found.tzinfo is not None else None


def _moment(when: dict[str, Any], zone: str) -> datetime:
    """An event time as an instant (an all-day date at midnight in the calendar's zone)."""
    if "date" in when:
        return datetime.fromisoformat(when["date"]).replace(tzinfo=ZoneInfo(zone))
    found = datetime.fromisoformat(when["dateTime"])
    if found.tzinfo is None:
        found = found.replace(tzinfo=ZoneInfo(when.get("timeZone") or zone))
    return found


class FakeCalendar(FakeGoogle):
    def __init__(self, public_key: Any) -> None:
        super().__init__(public_key)
        # id -> {summary, timeZone, conferenceProperties}
        self.calendars: dict[str, dict[str, Any]] = {}
        self.events: dict[str, dict[str, dict[str, Any]]] = {}  # calendar -> id -> event
        self.listed: list[str] = []  # the account's calendarList
        self.conference_requests: set[str] = set()  # the requestIds Calendar has seen

    def add_calendar(
        self,
        calendar_id: str,
        zone: str = "Europe/Paris",
        listed: bool = True,
        conferences: tuple[str, ...] = ("hangoutsMeet",),
    ) -> None:
        self.calendars[calendar_id] = {
            "kind": "calendar#calendar",
            "id": calendar_id,
            "summary": calendar_id,
            "timeZone": zone,
            "conferenceProperties": {"allowedConferenceSolutionTypes": list(conferences)},
        }
        self.events.setdefault(calendar_id, {})
        if listed:
            self.listed.append(calendar_id)

    def add_event(self, calendar_id: str, summary: str, start: str, end: str, **more: Any) -> str:
        event_id = more.pop("id", None) or secrets.token_hex(8)
        self.events[calendar_id][event_id] = self._event(
            calendar_id, event_id, {"summary": summary, **more, **self._times(start, end)}
        )
        return event_id

    @staticmethod
    def _times(start: str, end: str) -> dict[str, Any]:
        key = "date" if len(start) == 10 else "dateTime"
        return {"start": {key: start}, "end": {key: end}}

    def _event(self, calendar_id: str, event_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "kind": "calendar#event",
            "id": event_id,
            "status": "confirmed",
            "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}",
            "organizer": {"email": calendar_id, "self": True},
            **body,
        }

    def respond(self, request: Received) -> Answer:
        if not request.path.startswith("/calendar/v3/"):
            return super().respond(request)
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return drive_error(401, "authError", "Invalid Credentials")
        q = {k: v[-1] for k, v in request.query.items()}
        parts = [unquote(p) for p in request.path.removeprefix("/calendar/v3/").split("/")]
        if parts == ["freeBusy"] and request.method == "POST":
            return self._free_busy(request.json)
        if parts == ["users", "me", "calendarList"]:
            items = [self.calendars[c] for c in self.listed]
            return self._page(items, q, "calendar#calendarList")
        if len(parts) < 2 or parts[0] != "calendars" or parts[1] not in self.calendars:
            return drive_error(404, "notFound", "Not Found")
        calendar_id = parts[1]
        if len(parts) == 2:
            return Answer(200, self.calendars[calendar_id])
        events = self.events[calendar_id]
        if len(parts) == 3 and parts[2] == "events":
            if request.method == "POST":
                return self._insert(calendar_id, request.json, q)
            return self._list(calendar_id, q)
        if len(parts) != 4 or parts[2] != "events" or parts[3] not in events:
            return drive_error(404, "notFound", "Not Found")
        event = events[parts[3]]
        if request.method == "DELETE":
            del events[parts[3]]
            return Answer(204)
        if request.method == "PATCH":
            checked = self._check_times(request.json)
            if checked:
                return checked
            event.update(request.json)
            return Answer(200, event)
        return Answer(200, event)

    def _check_times(self, body: dict[str, Any]) -> Answer | None:
        for name in ("start", "end"):
            when = body.get(name)
            if when is None:
                continue
            if "dateTime" in when:
                found = datetime.fromisoformat(when["dateTime"])
                if found.tzinfo is None and not when.get("timeZone"):
                    return drive_error(
                        400, "timeRangeEmpty", f"Missing time zone definition for {name} time."
                    )
            elif "date" not in when:
                return drive_error(400, "required", f"Missing {name} time.")
        return None

    def _insert(self, calendar_id: str, body: dict[str, Any], q: dict[str, str]) -> Answer:
        if "start" not in body or "end" not in body:
            return drive_error(400, "required", "Missing end time.")
        checked = self._check_times(body)
        if checked:
            return checked
        request = (body.get("conferenceData") or {}).get("createRequest")
        body = {k: v for k, v in body.items() if k != "conferenceData"}
        conference: dict[str, Any] = {}
        if q.get("conferenceDataVersion") == "1" and isinstance(request, dict):
            made = self._conference(calendar_id, request)
            if isinstance(made, Answer):
                return made
            conference = made
        event_id = secrets.token_hex(8)
        event = self._event(calendar_id, event_id, {**body, **conference})
        if event.get("attendees"):
            event["attendees"] = [{**a, "responseStatus": "needsAction"} for a in body["attendees"]]
        self.events[calendar_id][event_id] = event
        return Answer(200, event)

    def _conference(self, calendar_id: str, request: dict[str, Any]) -> dict[str, Any] | Answer:
        """The event's conferenceData and hangoutLink for a createRequest ({} for a requestId
        already seen), or Calendar's refusal."""
        kind = (request.get("conferenceSolutionKey") or {}).get("type")
        allowed = self.calendars[calendar_id]["conferenceProperties"]
        if kind not in allowed["allowedConferenceSolutionTypes"]:
            return drive_error(400, "invalid", "Invalid conference type value.")
        request_id = str(request.get("requestId") or "")
        if request_id in self.conference_requests:
            return {}
        self.conference_requests.add(request_id)
        code = "-".join(
            "".join(secrets.choice(ascii_lowercase) for _ in range(n)) for n in (3, 4, 3)
        )
        link = (
            f"https://meet.google.com/{code}"
            if kind == "hangoutsMeet"
            else f"https://hangouts.google.com/call/{secrets.token_urlsafe(12)}"
        )
        name = "Google Meet" if kind == "hangoutsMeet" else "Hangouts"
        return {
            "hangoutLink": link,
            "conferenceData": {
                "createRequest": {
                    "requestId": request_id,
                    "conferenceSolutionKey": {"type": kind},
                    "status": {"statusCode": "success"},
                },
                "entryPoints": [
                    {"entryPointType": "video", "uri": link, "label": link.split("//")[1]},
                    {
                        "entryPointType": "phone",
                        "uri": "tel:+1-555-0100",
                        "label": "+1 555-0100",
                        "pin": "123456789",
                    },
                ],
                "conferenceSolution": {"key": {"type": kind}, "name": name},
                "conferenceId": link.rsplit("/", 1)[1],
            },
        }

    def _list(self, calendar_id: str, q: dict[str, str]) -> Answer:
        zone = self.calendars[calendar_id]["timeZone"]
        bounds: dict[str, datetime] = {}
        for name in ("timeMin", "timeMax"):
            if name in q:
                bound = _instant(q[name])
                if bound is None:
                    return drive_error(400, "badRequest", "Bad Request")
                bounds[name] = bound
        updated_min = _instant(q["updatedMin"]) if "updatedMin" in q else None
        if "updatedMin" in q and updated_min is None:
            return drive_error(400, "badRequest", "Bad Request")
        found = []
        for event in self.events[calendar_id].values():
            if event.get("status") == "cancelled" and q.get("showDeleted") != "true":
                continue
            updated = _instant(event.get("updated", ""))
            if updated_min and updated and updated < updated_min:
                continue
            start, end = _moment(event["start"], zone), _moment(event["end"], zone)
            if "timeMin" in bounds and end <= bounds["timeMin"]:
                continue
            if "timeMax" in bounds and start >= bounds["timeMax"]:
                continue
            text = " ".join(str(event.get(k, "")) for k in ("summary", "description", "location"))
            if q.get("q") and q["q"].lower() not in text.lower():
                continue
            found.append(event)
        if q.get("orderBy") == "startTime":
            found.sort(key=lambda e: _moment(e["start"], zone))
        if q.get("orderBy") == "updated":
            found.sort(key=lambda e: e.get("updated", ""))
        return self._page(found, q, "calendar#events", timeZone=q.get("timeZone", zone))

    def _page(self, items: list[Any], q: dict[str, str], kind: str, **more: Any) -> Answer:
        start = int(q.get("pageToken") or 0)
        size = int(q.get("maxResults") or 250)
        body: dict[str, Any] = {"kind": kind, **more, "items": items[start : start + size]}
        if start + size < len(items):
            body["nextPageToken"] = str(start + size)
        return Answer(200, body)

    def _free_busy(self, body: dict[str, Any]) -> Answer:
        low, high = _instant(body.get("timeMin", "")), _instant(body.get("timeMax", ""))
        if low is None or high is None:
            return drive_error(400, "badRequest", "Bad Request")
        calendars: dict[str, Any] = {}
        for item in body.get("items") or []:
            calendar_id = item.get("id")
            if calendar_id not in self.calendars:
                calendars[calendar_id] = {
                    "errors": [{"domain": "global", "reason": "notFound"}],
                    "busy": [],
                }
                continue
            zone = self.calendars[calendar_id]["timeZone"]
            busy = []
            for event in self.events[calendar_id].values():
                start, end = _moment(event["start"], zone), _moment(event["end"], zone)
                if event.get("transparency") != "transparent" and start < high and end > low:
                    busy.append(
                        {
                            "start": max(start, low).astimezone(ZoneInfo("UTC")).isoformat(),
                            "end": min(end, high).astimezone(ZoneInfo("UTC")).isoformat(),
                        }
                    )
            calendars[calendar_id] = {"busy": busy}
        return Answer(
            200,
            {
                "kind": "calendar#freeBusy",
                "timeMin": body["timeMin"],
                "timeMax": body["timeMax"],
                "calendars": calendars,
            },
        )
