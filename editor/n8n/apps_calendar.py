"""n8n's Google Calendar node (versions 1 to 1.3) as `app.google_calendar`: events (create, get,
get many, update, delete) and the calendar's availability (free/busy). `googleCalendarTool`
(the node as an agent's tool) becomes a companion workflow running this (editor/n8n/app_tools.py).

WorkFuse reaches Calendar as a service account (the Google Sheets credential), where n8n used
OAuth: the calendar must be shared with the account. n8n read times without an offset in the
workflow's time zone: the import sets `time_zone` to the export's workflow time zone when it
names one; otherwise WorkFuse reads them in the calendar's own zone (a note says so). Event JSON
is output as Calendar gives it, so `$json.id`, `$json.summary`, `$json.start.dateTime` read the
same; "get many" emits one n8n item per event, WorkFuse lists them under `events`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from editor.n8n.apps_base import credential_note, operation, text, unsupported
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

TYPE = f"{BASE}googleCalendar"
MAX_RESULTS = 2500
OPS = "it creates, gets, lists, updates and deletes events, and checks a calendar's availability"
CREDENTIAL = credential_note(
    "Google service account key", "share the calendar with the service account's email"
)
# n8n 1.3's defaults for "get many"'s After and Before (left out of exports when unchanged).
DEFAULT_AFTER = "={{ $now }}"
DEFAULT_BEFORE = "={{ $now.plus({ week: 1 }) }}"
EVENT_TEXT = {"summary": "summary", "description": "description", "location": "location"}
SEND_UPDATES = ("all", "externalOnly", "none")
CONFERENCES = ("hangoutsMeet", "eventHangout", "eventNamedHangout")  # n8n's choices


def _extra(options: dict[str, Any], known: set[str], what: str) -> None:
    extra = sorted(k for k in set(options) - known if options[k] not in ("", None, [], {}))
    if extra:
        raise Refusal(
            f"{what} with the option(s) {', '.join(extra)}, which WorkFuse's Google Calendar "
            "node lacks; remove them in n8n and export again."
        )


def _zone(cx: Converter, node: N8nNode, value: Any, config: dict[str, Any]) -> None:
    zone = text(cx, node, value) if value not in (None, "") else ""
    if zone:
        config["time_zone"] = zone


def _workflow_zone(cx: Converter, config: dict[str, Any], notes: list[str]) -> None:
    """n8n's time zone for times without an offset: the workflow's, when the export says."""
    if config.get("time_zone"):
        return
    settings = cx.data.get("settings") if isinstance(cx.data.get("settings"), dict) else {}
    zone = str((settings or {}).get("timezone") or "")
    if zone and zone != "DEFAULT":
        config["time_zone"] = zone
        return
    notes.append(
        "n8n read times without an offset in the workflow's time zone (the n8n instance's); "
        "WorkFuse reads them in the calendar's own zone: set time_zone if they differ."
    )


def _send_updates(value: Any, config: dict[str, Any]) -> None:
    if value:
        if value not in SEND_UPDATES:
            raise Refusal(f"sends updates to '{value}'; WorkFuse sends to all, externalOnly, none.")
        config["send_updates"] = value


def _attendees(cx: Converter, node: N8nNode, values: Any) -> list[Any]:
    return [text(cx, node, a) for a in values or [] if a not in ("", None)]


def _event_fields(
    cx: Converter, node: N8nNode, fields: dict[str, Any], config: dict[str, Any], what: str
) -> None:
    """additionalFields (create) or updateFields (update) as config."""
    known = {*EVENT_TEXT, "attendees", "allday", "timezone", "sendUpdates", "start", "end"}
    known |= {"attendeesUi"}
    _extra(fields, known, what)
    for n8n_name, field in EVENT_TEXT.items():
        if fields.get(n8n_name) not in (None, ""):
            config[field] = text(cx, node, fields[n8n_name])
    if fields.get("attendees"):
        config["attendees"] = _attendees(cx, node, fields["attendees"])
    ui = (fields.get("attendeesUi") or {}).get("values") or {}
    if ui.get("attendees"):
        config["attendees"] = _attendees(cx, node, ui["attendees"])
        config["attendees_mode"] = "add" if ui.get("mode", "add") == "add" else "replace"
    if fields.get("allday") in ("yes", True):
        config["all_day"] = True
    _zone(cx, node, fields.get("timezone"), config)
    _send_updates(fields.get("sendUpdates"), config)


def _time(cx: Converter, node: N8nNode, value: Any, what: str) -> Any:
    found = text(cx, node, value)
    if found in ("", None):
        raise Refusal(f"has no {what} time; set one in n8n and export again.")
    return found


def _create(cx: Converter, node: N8nNode, notes: list[str]) -> dict[str, Any]:
    p = node.params
    config: dict[str, Any] = {
        "operation": "create_event",
        "start": _time(cx, node, p.get("start"), "start"),
        "end": _time(cx, node, p.get("end"), "end"),
    }
    fields = dict(p.get("additionalFields") or {})
    _conference(cx, node, fields.pop("conferenceDataUi", None), config, notes)
    _event_fields(cx, node, fields, config, "creates an event")
    if p.get("useDefaultReminders") is False:
        reminders = (p.get("remindersUi") or {}).get("remindersValues")
        if reminders:
            raise Refusal("creates an event with its own reminders, which WorkFuse does not set.")
        config["default_reminders"] = False
    _workflow_zone(cx, config, notes)
    return config


def _conference(
    cx: Converter, node: N8nNode, ui: Any, config: dict[str, Any], notes: list[str]
) -> None:
    """additionalFields.conferenceDataUi as `conference`, the type n8n's list offered. (n8n sent
    it as createRequest.conferenceSolution, a name Calendar's API does not define; WorkFuse
    sends it as conferenceSolutionKey, the one Calendar reads.)"""
    values = ui.get("conferenceDataValues") if isinstance(ui, dict) else None
    if not isinstance(values, dict):
        return
    chosen = text(cx, node, values.get("conferenceSolution"))
    if chosen in ("", None):
        chosen = "hangoutsMeet"
        notes.append("n8n added a conference of no chosen type; WorkFuse asks for Google Meet.")
    if chosen not in CONFERENCES:
        raise Refusal(
            f"creates an event with a '{chosen}' conference; WorkFuse makes "
            f"{', '.join(CONFERENCES)} (a type chosen in n8n, not an expression)."
        )
    config["conference"] = chosen


def _get_many(cx: Converter, node: N8nNode, notes: list[str]) -> dict[str, Any]:
    p = node.params
    options = p.get("options") or {}
    known = {"timeMin", "timeMax", "singleEvents", "query", "orderBy", "showDeleted"}
    _extra(options, known | {"timeZone", "fields", "recurringEventHandling"}, "lists events")
    config: dict[str, Any] = {"operation": "list_events"}
    if node.version >= 1.3:
        handling = options.get("recurringEventHandling") or "expand"
        if handling != "expand":
            raise Refusal(
                f"lists recurring events as '{handling}' (n8n's own filtering); WorkFuse lists "
                "every occurrence (expand) or, with single_events off, each series once."
            )
        config["single_events"] = True
        after = p.get("timeMin", DEFAULT_AFTER)
        before = p.get("timeMax", DEFAULT_BEFORE)
        if "timeMin" not in p or "timeMax" not in p:
            notes.append("n8n's default span (from now to a week ahead) is written out.")
        config["time_min"] = text(cx, node, after)
        config["time_max"] = text(cx, node, before)
    else:
        config["single_events"] = bool(options.get("singleEvents"))
    if options.get("singleEvents"):
        config["single_events"] = True
    for n8n_name, field in (("timeMin", "time_min"), ("timeMax", "time_max"), ("query", "query")):
        if options.get(n8n_name) not in (None, ""):
            config[field] = text(cx, node, options[n8n_name])
    if options.get("orderBy"):
        if options["orderBy"] not in ("startTime", "updated"):
            raise Refusal(f"orders events by '{options['orderBy']}'.")
        config["order_by"] = options["orderBy"]
    if options.get("showDeleted"):
        config["show_deleted"] = True
    _zone(cx, node, options.get("timeZone"), config)
    if options.get("fields"):
        notes.append(
            f"n8n asked Calendar only for the fields {options['fields']}; WorkFuse lists every "
            "field of each event."
        )
    if p.get("returnAll"):
        config["limit"] = MAX_RESULTS
        notes.append(
            f"n8n listed every event; WorkFuse lists at most {MAX_RESULTS} (truncated says when "
            "there were more)."
        )
    else:
        config["limit"] = min(max(int(p.get("limit") or 50), 1), MAX_RESULTS)
    _workflow_zone(cx, config, notes)
    return config


def _event_id(cx: Converter, node: N8nNode) -> Any:
    found = text(cx, node, node.params.get("eventId"))
    if found in ("", None):
        raise Refusal("has no event ID; set one in n8n and export again.")
    return found


def _availability(cx: Converter, node: N8nNode, notes: list[str]) -> dict[str, Any]:
    p = node.params
    options = p.get("options") or {}
    _extra(options, {"outputFormat", "timezone"}, "checks availability")
    form = str(options.get("outputFormat") or "availability")
    formats = {"availability": "availability", "bookedSlots": "booked_slots", "raw": "raw"}
    if form not in formats:
        raise Refusal(f"answers availability as '{form}'.")
    config = {
        "operation": "availability",
        "time_min": _time(cx, node, p.get("timeMin"), "start (timeMin)"),
        "time_max": _time(cx, node, p.get("timeMax"), "end (timeMax)"),
        "output_format": formats[form],
    }
    _zone(cx, node, options.get("timezone"), config)
    _workflow_zone(cx, config, notes)
    return config


def _calendar(node: N8nNode, cx: Converter) -> Converted:
    notes = [CREDENTIAL]
    resource, op = operation(node, "event", {"event": "create", "calendar": "availability"})
    calendar = node.params.get("calendar")
    if isinstance(calendar, dict) and not calendar.get("__rl"):  # `{}`: a locator never set
        calendar = calendar.get("value")
    calendar_id = text(cx, node, calendar) if calendar is not None else ""
    if calendar_id in ("", None):
        raise Refusal("has no calendar; choose one in n8n and export again.")
    if resource == "calendar" and op == "availability":
        config = _availability(cx, node, notes)
    elif resource != "event":
        raise unsupported("Google Calendar", resource, op, OPS)
    elif op == "create":
        config = _create(cx, node, notes)
    elif op == "getAll":
        config = _get_many(cx, node, notes)
    elif op in ("get", "delete", "update"):
        p = node.params
        options = p.get("options") or {}
        config = {"operation": f"{op}_event", "event_id": _event_id(cx, node)}
        if op == "get":
            _extra(options, {"timeZone"}, "gets an event")
            _zone(cx, node, options.get("timeZone"), config)
        elif op == "delete":
            _extra(options, {"sendUpdates"}, "deletes an event")
            _send_updates(options.get("sendUpdates"), config)
        else:
            fields = dict(p.get("updateFields") or {})
            for name in ("start", "end"):
                if fields.get(name) not in (None, ""):
                    config[name] = text(cx, node, fields[name])
            _event_fields(cx, node, fields, config, "updates an event")
            if p.get("attendeesUi"):  # 1.2 and later: at the top
                _event_fields(cx, node, {"attendeesUi": p["attendeesUi"]}, config, "updates")
            if "start" in config or "end" in config:
                _workflow_zone(cx, config, notes)
    else:
        raise unsupported("Google Calendar", resource, op, OPS)
    return Converted("app.google_calendar", {"calendar_id": calendar_id, **config}, notes=notes)


def _calendar_spec(node: N8nNode, cx: Converter) -> Spec:
    spec = dataclasses.replace(SPECS[TYPE], per_node=None)
    resource, op = operation(node, "event", {"event": "create", "calendar": "availability"})
    if resource == "event" and op == "getAll":
        return dataclasses.replace(spec, items="events")
    form = (node.params.get("options") or {}).get("outputFormat")
    if resource == "calendar" and form == "bookedSlots":
        return dataclasses.replace(spec, items="busy")
    return spec


SPECS: dict[str, Spec] = {TYPE: Spec(_calendar, "", per_node=_calendar_spec)}
