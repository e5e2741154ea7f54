"""n8n's Google Calendar Trigger as trigger.poll with the `google_calendar` source
(integrations/google_calendar/new_events.py): a calendar's events created, updated, cancelled,
started or ended, on n8n's poll schedule.

n8n started one run with all the events since its last poll; WorkFuse starts one run per event
(the event as `trigger`, as n8n's items read `$json`). WorkFuse reaches Calendar as a service
account (the Google Sheets credential), where n8n used OAuth: the calendar must be shared with
the account."""

from __future__ import annotations

from typing import Any

from editor.n8n.apps_base import text
from editor.n8n.apps_calendar import CREDENTIAL
from editor.n8n.apps_google import _interval
from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

EVENTS = {
    "eventCreated": "event_created",
    "eventUpdated": "event_updated",
    "eventCancelled": "event_cancelled",
    "eventStarted": "event_started",
    "eventEnded": "event_ended",
}


def _calendar_trigger(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    event = str(p.get("triggerOn") or "")
    if event not in EVENTS:
        raise Refusal(
            f"starts on '{event or 'nothing'}'; choose Event Created, Updated, Cancelled, "
            "Started or Ended in n8n and export again."
        )
    calendar = text(cx, node, p.get("calendarId"))
    if calendar in ("", None):
        raise Refusal("watches no calendar; choose the Calendar in n8n and export again.")
    if isinstance(calendar, str) and "{{" in calendar:
        raise Refusal(
            "names its calendar with an expression, which a poll cannot read (it has no input "
            "item); give the calendar's id in n8n and export again."
        )
    notes = [
        CREDENTIAL,
        "n8n started one run with all the events since its last poll; WorkFuse starts one per "
        "event, and reads what happened in the last day at each poll.",
    ]
    if event in ("eventStarted", "eventEnded"):
        notes.append(
            "An all-day event starts and ends at midnight in the calendar's time zone (n8n "
            "read only timed events' dateTime)."
        )
    config: dict[str, Any] = {
        "source": "google_calendar",
        "calendar_id": calendar,
        "calendar_event": EVENTS[event],
        "id_field": "change_id" if event == "eventUpdated" else "id",
    }
    match = (p.get("options") or {}).get("matchTerm")
    if match not in (None, ""):
        config["calendar_match"] = text(cx, node, match)
    config["interval_seconds"] = _interval(p.get("pollTimes"), notes)
    return Converted("trigger.poll", config, notes=notes)


SPECS: dict[str, Spec] = {f"{BASE}googleCalendarTrigger": Spec(_calendar_trigger, "trigger")}
