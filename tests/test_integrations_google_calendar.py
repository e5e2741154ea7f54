"""app.google_calendar against a fake Google (tests/fakes/google_calendar.py): the token with
Calendar's scope from the Sheets credential, each operation's request and output (time bounds
with the calendar's zone, paging, all-day and timed events, attendees, free/busy), Calendar's
errors, and a run through the engine with a stored credential."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from executions import engine
from executions.models import Step
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes import running
from tests.fakes.google_calendar import FakeCalendar
from tests.fakes.google_sheets import new_key
from workfuse.lib.node_run import Secret

CAL = "app.google_calendar"
TEAM = "team@acme.com"


@pytest.fixture(scope="module")
def keys() -> tuple[Any, str]:
    return new_key()


@pytest.fixture
def google(keys: tuple[Any, str], settings: Any) -> Iterator[FakeCalendar]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeCalendar(keys[0].public_key())) as fake:
        fake.add_calendar(TEAM, "Europe/Paris")
        fake.add_calendar("other@acme.com", "UTC", listed=False)
        fake.add_event(
            TEAM, "Standup", "2026-03-02T09:00:00+01:00", "2026-03-02T09:15:00+01:00", id="ev1"
        )
        fake.add_event(
            TEAM,
            "Review",
            "2026-03-02T14:00:00+01:00",
            "2026-03-02T15:00:00+01:00",
            id="ev2",
            location="Room 4",
        )
        fake.add_event(TEAM, "Offsite", "2026-03-05", "2026-03-06", id="ev3")
        yield fake


@pytest.fixture
def key(google: FakeCalendar, keys: tuple[Any, str]) -> Secret:
    settings = {"base_url": google.url, "token_url": google.token_url}
    return Secret("google_sheets", {"service_account_key": keys[1]}, settings, name="Acme Google")


def api(fake: FakeCalendar) -> list[Any]:
    return [r for r in fake.requests if r.path != "/token"]


def test_the_sheets_credential_gets_a_token_with_calendars_scope(google, key):
    run_app(CAL, {"operation": "get_event", "calendar_id": TEAM, "event_id": "ev1"}, key)
    [claims] = google.assertions
    assert claims["scope"] == "https://www.googleapis.com/auth/calendar"
    [get] = api(google)
    assert get.path == "/calendar/v3/calendars/team%40acme.com/events/ev1"


def test_list_events_reads_times_without_offset_in_the_calendars_zone(google, key):
    config = {
        "operation": "list_events",
        "calendar_id": TEAM,
        "time_min": "2026-03-02 00:00",
        "time_max": "2026-03-02T12:00:00",
    }
    output = run_app(CAL, config, key)
    assert [e["summary"] for e in output["events"]] == ["Standup"]
    assert output["count"] == 1 and output["truncated"] is False
    zone, listing = api(google)
    assert zone.path == "/calendar/v3/calendars/team%40acme.com"
    assert listing.query["timeMin"] == ["2026-03-02T00:00:00+01:00"]
    assert listing.query["timeMax"] == ["2026-03-02T12:00:00+01:00"]
    assert listing.query["singleEvents"] == ["true"]


def test_list_events_with_a_time_zone_search_order_and_paging(google, key):
    for day in range(10, 16):
        google.add_event(
            TEAM, f"Call {day}", f"2026-04-{day}T10:00:00Z", f"2026-04-{day}T11:00:00Z"
        )
    config = {
        "operation": "list_events",
        "calendar_id": TEAM,
        "time_min": "2026-04-01",
        "time_zone": "UTC",
        "query": "call",
        "order_by": "startTime",
        "limit": 4,
    }
    output = run_app(CAL, config, key)
    assert [e["summary"] for e in output["events"]] == ["Call 10", "Call 11", "Call 12", "Call 13"]
    assert output["truncated"] is True
    [listing] = api(google)  # the zone was given: no calendars.get
    assert listing.query["timeMin"] == ["2026-04-01T00:00:00+00:00"]
    assert listing.query["q"] == ["call"] and listing.query["orderBy"] == ["startTime"]
    assert listing.query["timeZone"] == ["UTC"]


def test_list_events_pages_through_calendar(google, key):
    for n in range(300):
        google.add_event("other@acme.com", f"e{n}", "2026-05-01T10:00:00Z", "2026-05-01T10:30:00Z")
    config = {"operation": "list_events", "calendar_id": "other@acme.com", "limit": 2500}
    output = run_app(CAL, config, key)
    assert output["count"] == 300 and output["truncated"] is False
    assert [r.query["maxResults"] for r in api(google)] == [["250"], ["250"]]


def test_create_a_timed_event_with_attendees(google, key):
    config = {
        "operation": "create_event",
        "calendar_id": TEAM,
        "summary": "Call with Ada",
        "start": "2026-03-03 10:00",
        "end": "2026-03-03T10:30:00",
        "attendees": ["ada@example.com, bob@example.com", "cy@example.com"],
        "description": "About the offer",
        "location": "Meet",
        "send_updates": "all",
    }
    event = run_app(CAL, config, key)
    assert event["summary"] == "Call with Ada" and event["id"] in google.events[TEAM]
    assert event["start"] == {"dateTime": "2026-03-03T10:00:00", "timeZone": "Europe/Paris"}
    assert [a["email"] for a in event["attendees"]] == [
        "ada@example.com",
        "bob@example.com",
        "cy@example.com",
    ]
    insert = api(google)[-1]
    assert insert.method == "POST" and insert.query["sendUpdates"] == ["all"]
    assert insert.json["location"] == "Meet" and insert.json["description"] == "About the offer"


def test_create_keeps_an_offset_and_makes_all_day_events_from_dates(google, key):
    timed = run_app(
        CAL,
        {
            "operation": "create_event",
            "calendar_id": TEAM,
            "start": "2026-03-03T10:00:00Z",
            "end": "2026-03-03T11:00:00Z",
        },
        key,
    )
    assert timed["start"] == {"dateTime": "2026-03-03T10:00:00+00:00"}
    assert all(r.method == "POST" for r in api(google))  # an offset: no zone to look up
    day = run_app(
        CAL,
        {
            "operation": "create_event",
            "calendar_id": TEAM,
            "summary": "Day off",
            "start": "2026-05-01T00:00:00",
            "end": "2026-05-02",
            "all_day": True,
            "default_reminders": False,
        },
        key,
    )
    assert day["reminders"] == {"useDefault": False}
    assert day["start"] == {"date": "2026-05-01"} and day["end"] == {"date": "2026-05-02"}


MEET_CALL = {
    "operation": "create_event",
    "calendar_id": TEAM,
    "summary": "Call with Ada",
    "start": "2026-03-03T10:00:00Z",
    "end": "2026-03-03T10:30:00Z",
    "conference": "hangoutsMeet",
}


def test_create_with_a_meet_conference_outputs_its_link(google, key):
    event = run_app(CAL, MEET_CALL, key)
    assert event["hangoutLink"].startswith("https://meet.google.com/")
    conference = event["conferenceData"]
    assert conference["createRequest"]["status"] == {"statusCode": "success"}
    assert conference["entryPoints"][0]["uri"] == event["hangoutLink"]
    assert google.events[TEAM][event["id"]]["hangoutLink"] == event["hangoutLink"]
    insert = api(google)[-1]
    assert insert.query["conferenceDataVersion"] == ["1"]
    request = insert.json["conferenceData"]["createRequest"]
    assert request["conferenceSolutionKey"] == {"type": "hangoutsMeet"} and request["requestId"]


def test_each_event_asks_for_its_conference_with_a_new_request_id(google, key):
    first, second = run_app(CAL, MEET_CALL, key), run_app(CAL, MEET_CALL, key)
    # Calendar ignores a requestId it has seen: a repeated one would leave the second bare.
    assert second["hangoutLink"] != first["hangoutLink"]
    ids = [r.json["conferenceData"]["createRequest"]["requestId"] for r in api(google)]
    assert len(set(ids)) == 2


def test_create_without_a_conference_asks_for_none(google, key):
    event = run_app(CAL, {**MEET_CALL, "conference": ""}, key)
    assert "hangoutLink" not in event and "conferenceData" not in event
    insert = api(google)[-1]
    assert "conferenceDataVersion" not in insert.query and "conferenceData" not in insert.json


def test_a_conference_type_the_calendar_does_not_offer_says_what_to_do(google, key):
    error = app_error(CAL, {**MEET_CALL, "conference": "eventHangout"}, key)
    said = str(error)
    assert "would not add a conference of type eventHangout to an event of team@acme.com" in said
    assert "Invalid conference type value." in said and "Leave conference empty" in said
    assert len(google.events[TEAM]) == 3  # nothing created
    with pytest.raises(ValueError, match="conference"):
        run_app(CAL, {**MEET_CALL, "conference": "zoom"}, key)


def test_bad_times_and_zones_are_refused_on_the_field(google, key):
    error = app_error(
        CAL,
        {"operation": "create_event", "calendar_id": TEAM, "start": "next tuesday", "end": "x"},
        key,
    )
    assert "start 'next tuesday' is not a date and time" in str(error)
    error = app_error(
        CAL,
        {
            "operation": "create_event",
            "calendar_id": TEAM,
            "start": "2026-05-01T10:00",
            "end": "2026-05-01T11:00",
            "time_zone": "Mars/Olympus",
        },
        key,
    )
    assert "'Mars/Olympus' is not a time zone" in str(error)


def test_update_patches_only_what_is_given_and_can_add_guests(google, key):
    google.events[TEAM]["ev2"]["attendees"] = [{"email": "ada@example.com"}]
    config = {
        "operation": "update_event",
        "calendar_id": TEAM,
        "event_id": "ev2",
        "summary": "Design review",
        "attendees": ["bob@example.com", "ADA@example.com"],
        "attendees_mode": "add",
    }
    event = run_app(CAL, config, key)
    assert event["summary"] == "Design review" and event["location"] == "Room 4"
    assert [a["email"] for a in event["attendees"]] == ["ada@example.com", "bob@example.com"]
    patch = api(google)[-1]
    assert patch.method == "PATCH" and set(patch.json) == {"summary", "attendees"}
    unchanged = {"operation": "update_event", "calendar_id": TEAM, "event_id": "ev2"}
    assert run_app(CAL, unchanged, key) == event  # as n8n's update with no fields
    assert api(google)[-1].json == {}


def test_delete_and_a_missing_event(google, key):
    output = run_app(
        CAL, {"operation": "delete_event", "calendar_id": TEAM, "event_id": "ev1"}, key
    )
    assert output == {"success": True, "id": "ev1"} and "ev1" not in google.events[TEAM]
    error = app_error(CAL, {"operation": "get_event", "calendar_id": TEAM, "event_id": "ev1"}, key)
    assert "Google Calendar" in str(error) and "notFound" in str(error)


def test_list_calendars(google, key):
    output = run_app(CAL, {"operation": "list_calendars"}, key)
    assert [c["id"] for c in output["calendars"]] == [TEAM]


def test_availability_in_its_three_formats(google, key):
    base = {"operation": "availability", "calendar_id": TEAM}
    busy = {**base, "time_min": "2026-03-02T09:10:00", "time_max": "2026-03-02T10:00:00"}
    free = {**base, "time_min": "2026-03-02T10:00:00", "time_max": "2026-03-02T11:00:00"}
    assert run_app(CAL, busy, key) == {"available": False}
    assert run_app(CAL, free, key) == {"available": True}
    slots = run_app(CAL, {**busy, "output_format": "booked_slots"}, key)
    assert slots == {
        "busy": [{"start": "2026-03-02T08:10:00+00:00", "end": "2026-03-02T08:15:00+00:00"}]
    }
    raw = run_app(CAL, {**free, "output_format": "raw"}, key)
    assert raw["kind"] == "calendar#freeBusy" and raw["calendars"][TEAM] == {"busy": []}
    query = api(google)[-1]
    assert query.json["timeZone"] == "Europe/Paris"
    assert query.json["items"] == [{"id": TEAM}]


def test_availability_of_a_calendar_not_shared_says_so(google, key):
    config = {
        "operation": "availability",
        "calendar_id": "nobody@acme.com",
        "time_min": "2026-03-02T10:00:00Z",
        "time_max": "2026-03-02T11:00:00Z",
        "time_zone": "UTC",
    }
    error = app_error(CAL, config, key)
    assert "nobody@acme.com (notFound)" in str(error)


def test_needed_fields_and_the_credential(google, key):
    with pytest.raises(Exception, match="Needed for the create_event operation"):
        run_app(CAL, {"operation": "create_event", "calendar_id": TEAM}, key)
    error = app_error(CAL, {"operation": "list_calendars"}, None)
    assert "credential" in str(error).lower()


@pytest.mark.django_db(transaction=True)
def test_a_workflow_books_an_event_with_a_stored_credential(alice, google, keys):
    credential = store.create(
        alice,
        "Acme Google",
        "google_sheets",
        {"service_account_key": keys[1], "base_url": google.url, "token_url": google.token_url},
    )
    graph = chain(
        {
            "id": "book",
            "type": CAL,
            "config": {
                "credential": credential.pk,
                "operation": "create_event",
                "calendar_id": TEAM,
                "summary": "Call with {{ trigger.name }}",
                "start": "{{ trigger.start }}",
                "end": "{{ trigger.end }}",
            },
        }
    )
    trigger = {"name": "Ada", "start": "2026-03-04T10:00:00Z", "end": "2026-03-04T10:30:00Z"}
    execution = engine.start_execution(make_workflow(alice, graph), trigger)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    output = Step.objects.get(execution=execution, key="book").output
    assert output["summary"] == "Call with Ada"
    assert google.events[TEAM][output["id"]]["start"]["dateTime"] == "2026-03-04T10:00:00+00:00"
