"""The import of n8n's Google Calendar node (editor/n8n/apps_calendar.py): each operation's
config, the workflow's time zone, the refusals naming node and construct, where "get many"'s items
lie, an imported workflow run against the fake Google, and googleCalendarTool as an agent's tool
(a companion workflow) creating an event through the API import and the engine."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from editor.graph import ImportRefused
from editor.models import Workflow
from editor.n8n import SPECS, SUB_NODES, convert
from editor.n8n.converter import Converter
from editor.nodes import NODE_TYPES
from editor.validation import validate_graph
from executions import engine
from executions.models import Step
from tests.engine_helpers import make_workflow
from tests.fake_ai_server import Reply, fake_ai_server
from tests.fakes import running
from tests.fakes.google_calendar import FakeCalendar
from tests.fakes.google_sheets import new_key
from tests.test_n8n_ai import agent_export, by_label, n8n_node
from tests.test_n8n_apps import BASE, single

CAL = {"__rl": True, "mode": "list", "value": "team@acme.com", "cachedResultName": "Team"}
ZONE_NOTE = "WorkFuse reads them in the calendar's own zone"


def calendar(params: dict[str, Any], version: float = 1.3, settings: Any = None) -> dict[str, Any]:
    data = single("googleCalendar", copy.deepcopy(params), version)
    if settings is not None:
        data["settings"] = settings
    graph = convert(data)
    assert validate_graph(graph) == []
    node = next(n for n in graph["nodes"] if n["label"] == "App")
    assert node["type"] == "app.google_calendar" and "credential" not in node["config"]
    assert "choose a Google service account key credential" in node["notes"]
    NODE_TYPES["app.google_calendar"].Config.model_validate(node["config"])
    return node


def refusal(params: dict[str, Any], version: float = 1.3) -> str:
    with pytest.raises(ImportRefused) as refused:
        convert(single("googleCalendar", params, version))
    [issue] = refused.value.issues
    assert issue.message.startswith(f"n8n node 'App' ({BASE}googleCalendar): ")
    return issue.message


CASES = [
    (
        "create (the default operation) with attendees and no default reminders",
        1.2,
        {
            "calendar": CAL,
            "start": "={{ $json.start }}",
            "end": "2026-03-03T10:30:00Z",
            "useDefaultReminders": False,
            "additionalFields": {
                "summary": "=Call with {{ $json.name }}",
                "attendees": ["={{ $json.email }}", ""],
                "description": "Intro",
                "location": "Meet",
                "sendUpdates": "all",
            },
        },
        {
            "calendar_id": "team@acme.com",
            "operation": "create_event",
            "start": "{{ trigger.start }}",
            "end": "2026-03-03T10:30:00Z",
            "summary": "Call with {{ trigger.name | n8n_text }}",
            "attendees": ["{{ trigger.email }}"],
            "description": "Intro",
            "location": "Meet",
            "send_updates": "all",
            "default_reminders": False,
        },
    ),
    (
        "create an all-day event in a time zone",
        1.3,
        {
            "calendar": CAL,
            "start": "2026-05-01",
            "end": "2026-05-02",
            "additionalFields": {
                "allday": "yes",
                "timezone": {"__rl": True, "mode": "list", "value": "Europe/Paris"},
            },
        },
        {
            "calendar_id": "team@acme.com",
            "operation": "create_event",
            "start": "2026-05-01",
            "end": "2026-05-02",
            "all_day": True,
            "time_zone": "Europe/Paris",
        },
    ),
    (
        "create with a Google Meet conference (an expression without blocks naming it)",
        1.2,
        {
            "calendar": CAL,
            "start": "2026-03-03T10:00:00Z",
            "end": "2026-03-03T10:30:00Z",
            "additionalFields": {
                "summary": "Intro",
                "conferenceDataUi": {
                    "conferenceDataValues": {"conferenceSolution": "=hangoutsMeet"}
                },
            },
        },
        {
            "calendar_id": "team@acme.com",
            "operation": "create_event",
            "start": "2026-03-03T10:00:00Z",
            "end": "2026-03-03T10:30:00Z",
            "summary": "Intro",
            "conference": "hangoutsMeet",
        },
    ),
    (
        "get many (version 1): options, single events, every event",
        1,
        {
            "operation": "getAll",
            "calendar": "team@acme.com",
            "returnAll": True,
            "options": {
                "timeMin": "2026-03-02T00:00:00",
                "timeMax": "2026-03-03T00:00:00",
                "singleEvents": True,
                "orderBy": "startTime",
                "query": "standup",
            },
        },
        {
            "calendar_id": "team@acme.com",
            "operation": "list_events",
            "single_events": True,
            "time_min": "2026-03-02T00:00:00",
            "time_max": "2026-03-03T00:00:00",
            "query": "standup",
            "order_by": "startTime",
            "limit": 2500,
        },
    ),
    (
        "get many (version 1): no single events unless asked, as n8n",
        1,
        {"operation": "getAll", "calendar": CAL, "limit": 5},
        {
            "calendar_id": "team@acme.com",
            "operation": "list_events",
            "single_events": False,
            "limit": 5,
        },
    ),
    (
        "get many (1.3): After and Before, recurring events expanded",
        1.3,
        {
            "operation": "getAll",
            "calendar": CAL,
            "timeMin": "={{ $json.from }}",
            "timeMax": "={{ $json.to }}",
            "options": {"recurringEventHandling": "expand", "timeZone": "UTC"},
        },
        {
            "calendar_id": "team@acme.com",
            "operation": "list_events",
            "single_events": True,
            "time_min": "{{ trigger.from }}",
            "time_max": "{{ trigger.to }}",
            "time_zone": "UTC",
            "limit": 50,
        },
    ),
    (
        "get",
        1.1,
        {"operation": "get", "calendar": CAL, "eventId": "abc123", "options": {}},
        {"calendar_id": "team@acme.com", "operation": "get_event", "event_id": "abc123"},
    ),
    (
        "update (1.1): attendees replace the guests",
        1.1,
        {
            "operation": "update",
            "calendar": CAL,
            "eventId": "={{ $json.id }}",
            "updateFields": {"attendees": ["={{ $json.email }}"], "summary": "Moved"},
        },
        {
            "calendar_id": "team@acme.com",
            "operation": "update_event",
            "event_id": "{{ trigger.id }}",
            "summary": "Moved",
            "attendees": ["{{ trigger.email }}"],
        },
    ),
    (
        "update (1.3): attendees added, new times",
        1.3,
        {
            "operation": "update",
            "calendar": CAL,
            "eventId": "abc",
            "attendeesUi": {"values": {"mode": "add", "attendees": ["x@y.com"]}},
            "updateFields": {"start": "2026-03-03T10:00:00Z", "end": "2026-03-03T11:00:00Z"},
        },
        {
            "calendar_id": "team@acme.com",
            "operation": "update_event",
            "event_id": "abc",
            "start": "2026-03-03T10:00:00Z",
            "end": "2026-03-03T11:00:00Z",
            "attendees": ["x@y.com"],
            "attendees_mode": "add",
        },
    ),
    (
        "delete telling the guests",
        1.3,
        {
            "operation": "delete",
            "calendar": CAL,
            "eventId": "abc",
            "options": {"sendUpdates": "all"},
        },
        {
            "calendar_id": "team@acme.com",
            "operation": "delete_event",
            "event_id": "abc",
            "send_updates": "all",
        },
    ),
    (
        "availability (the calendar resource's default operation)",
        1.3,
        {
            "resource": "calendar",
            "calendar": CAL,
            "timeMin": "={{ $json.at }}",
            "timeMax": "2026-03-03T11:00:00Z",
            "options": {"outputFormat": "bookedSlots"},
        },
        {
            "calendar_id": "team@acme.com",
            "operation": "availability",
            "time_min": "{{ trigger.at }}",
            "time_max": "2026-03-03T11:00:00Z",
            "output_format": "booked_slots",
        },
    ),
]


@pytest.mark.parametrize(("name", "version", "params", "config"), CASES, ids=[c[0] for c in CASES])
def test_each_operation_becomes_its_config(name, version, params, config):
    node = calendar(params, version)
    assert node["config"] == config


def test_get_many_without_a_span_writes_out_n8ns_default_span():
    node = calendar({"operation": "getAll", "calendar": CAL, "limit": 10, "options": {}})
    assert node["config"]["time_min"] == "{{ n8n('$now') }}"
    assert node["config"]["time_max"] == "{{ n8n('$now.plus({ week: 1 })') }}"
    assert "n8n's default span (from now to a week ahead) is written out." in node["notes"]


def test_the_workflows_time_zone_becomes_the_events_zone_else_a_note_says_whose():
    params = {"calendar": CAL, "start": "2026-03-03 10:00", "end": "2026-03-03 11:00"}
    node = calendar(params, settings={"timezone": "America/Bogota"})
    assert node["config"]["time_zone"] == "America/Bogota" and ZONE_NOTE not in node["notes"]
    node = calendar(params, settings={"timezone": "DEFAULT"})
    assert "time_zone" not in node["config"] and ZONE_NOTE in node["notes"]


def test_a_conference_of_no_chosen_type_asks_for_meet_with_a_note():
    params = {
        "calendar": CAL,
        "start": "2026-03-03T10:00:00Z",
        "end": "2026-03-03T11:00:00Z",
        "additionalFields": {"conferenceDataUi": {"conferenceDataValues": {}}},
    }
    node = calendar(params)
    assert node["config"]["conference"] == "hangoutsMeet"
    assert (
        "n8n added a conference of no chosen type; WorkFuse asks for Google Meet." in node["notes"]
    )
    params["additionalFields"] = {"conferenceDataUi": {}}  # n8n's empty collection: none
    assert "conference" not in calendar(params)["config"]


def spec(params: dict[str, Any], version: float = 1.3) -> Any:
    cx = Converter(single("googleCalendar", params, version), SPECS, SUB_NODES)
    cx.run()
    return cx.spec_of("App")


def test_get_many_and_booked_slots_emit_their_items():
    assert spec({"operation": "getAll", "calendar": CAL}).items == "events"
    slots = {"resource": "calendar", "calendar": CAL, "timeMin": "a", "timeMax": "b"}
    assert spec({**slots, "options": {"outputFormat": "bookedSlots"}}).items == "busy"
    assert spec(slots).items is None and spec(slots).data == ""


@pytest.mark.parametrize(
    ("params", "version", "said"),
    [
        (
            {
                "calendar": CAL,
                "start": "2026-03-03T10:00:00Z",
                "end": "2026-03-03T11:00:00Z",
                "additionalFields": {
                    "conferenceDataUi": {
                        "conferenceDataValues": {"conferenceSolution": "={{ $json.kind }}"}
                    }
                },
            },
            1.3,
            "creates an event with a '{{ trigger.kind }}' conference; WorkFuse makes "
            "hangoutsMeet, eventHangout, eventNamedHangout",
        ),
        (
            {
                "calendar": CAL,
                "start": "2026-03-03T10:00:00Z",
                "end": "2026-03-03T11:00:00Z",
                "additionalFields": {"color": "5"},
            },
            1.3,
            "creates an event with the option(s) color, which WorkFuse's Google Calendar node lacks",
        ),
        (
            {"operation": "getAll", "calendar": CAL, "options": {"recurringEventHandling": "next"}},
            1.3,
            "lists recurring events as 'next'",
        ),
        ({"operation": "getAll", "calendar": {"__rl": True, "value": ""}}, 1.3, "has no calendar"),
        ({"resource": "calendar", "calendar": {}}, 1.3, "has no calendar"),
        ({"calendar": CAL, "end": "2026-03-03T11:00:00Z"}, 1.3, "has no start time"),
        ({"operation": "move", "calendar": CAL}, 1.3, "does 'event / move'"),
    ],
)
def test_refusals_name_the_node_and_the_construct(params, version, said):
    assert said in refusal(params, version)


# --- run against the fake Google ---------------------------------------------------------------


@pytest.fixture(scope="module")
def keys() -> tuple[Any, str]:
    return new_key()


@pytest.fixture
def google(keys: tuple[Any, str], settings: Any) -> Iterator[FakeCalendar]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeCalendar(keys[0].public_key())) as fake:
        fake.add_calendar("team@acme.com", "Europe/Paris")
        fake.add_event(
            "team@acme.com", "Standup", "2026-03-02T09:00:00+01:00", "2026-03-02T09:15:00+01:00"
        )
        fake.add_event("team@acme.com", "Offsite", "2026-03-09", "2026-03-10")
        yield fake


def _credential(alice: Any, google: FakeCalendar, keys: tuple[Any, str]) -> Any:
    fields = {"service_account_key": keys[1], "base_url": google.url, "token_url": google.token_url}
    return store.create(alice, "Acme Google", "google_sheets", fields)


@pytest.mark.django_db(transaction=True)
def test_an_imported_get_many_runs_against_calendar(alice, google, keys):
    params = {
        "operation": "getAll",
        "calendar": CAL,
        "timeMin": "2026-03-02T00:00:00",
        "timeMax": "2026-03-03T00:00:00",
    }
    graph = convert(single("googleCalendar", params, 1.3))
    node = next(n for n in graph["nodes"] if n["label"] == "App")
    node["config"]["credential"] = _credential(alice, google, keys).pk
    execution = engine.start_execution(make_workflow(alice, graph), {})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    output = Step.objects.get(execution=execution, key=node["id"]).output
    assert [e["summary"] for e in output["events"]] == ["Standup"]
    listing = [r for r in google.requests if r.path.endswith("/events")][-1]
    assert listing.query["timeMin"] == ["2026-03-02T00:00:00+01:00"]


@pytest.mark.django_db(transaction=True)
def test_an_imported_create_with_meet_makes_the_conference(alice, google, keys):
    params = {
        "calendar": CAL,
        "start": "={{ $json.start }}",
        "end": "={{ $json.end }}",
        "additionalFields": {
            "summary": "Intro call",
            "attendees": ["={{ $json.email }}"],
            "conferenceDataUi": {"conferenceDataValues": {"conferenceSolution": "hangoutsMeet"}},
        },
    }
    graph = convert(single("googleCalendar", params, 1.3))
    node = next(n for n in graph["nodes"] if n["label"] == "App")
    node["config"]["credential"] = _credential(alice, google, keys).pk
    trigger = {"start": "2026-03-04T10:00:00Z", "end": "2026-03-04T10:30:00Z", "email": "a@b.co"}
    execution = engine.start_execution(make_workflow(alice, graph), trigger)
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    output = Step.objects.get(execution=execution, key=node["id"]).output
    assert output["hangoutLink"].startswith("https://meet.google.com/")
    assert output["conferenceData"]["entryPoints"][0]["uri"] == output["hangoutLink"]
    event = google.events["team@acme.com"][output["id"]]
    assert event["summary"] == "Intro call" and event["hangoutLink"] == output["hangoutLink"]
    insert = [r for r in google.requests if r.method == "POST" and r.path.endswith("/events")][-1]
    assert insert.query["conferenceDataVersion"] == ["1"]


CALENDAR_TOOL = n8n_node(
    "Book",
    f"{BASE}googleCalendarTool",
    {
        "calendar": CAL,
        "start": '={{ $fromAI("start_time", "The start time", "string") }}\n',
        "end": '={{ $fromAI("end_time", "The end time", "string") }}',
        "additionalFields": {"summary": "={{ $fromAI('title') }} ", "location": "=Online"},
    },
    1.2,
)


@pytest.mark.django_db(transaction=True)
def test_google_calendar_as_an_agents_tool_books_through_its_companion(
    alice, alice_api, google, keys, settings
):
    data = agent_export({"promptType": "define", "text": "Book a call"}, (CALENDAR_TOOL, "ai_tool"))
    data["name"] = "Booker"
    with fake_ai_server() as ai:
        settings.OPENAI_BASE_URL = ai.openai_url
        settings.OPENAI_API_KEY = "sk-env-openai-0123456789abcdef"
        response = alice_api.post("/api/workflows/import", data)
        assert response.status_code == 201, response.content
        caller = Workflow.objects.get(name="Booker")
        companion = Workflow.objects.get(name="Booker: Book tool")
        graph = copy.deepcopy(companion.graph)
        book = by_label(graph, "Book")
        assert book["type"] == "app.google_calendar"
        book["config"]["credential"] = _credential(alice, google, keys).pk
        companion.save_graph(graph, user=alice)
        arguments = {
            "start_time": "2026-03-04T10:00:00Z",
            "end_time": "2026-03-04T10:30:00Z",
            "title": "Call with Ada",
        }
        ai.script("openai", Reply(tool_calls=[("Book", arguments)]), Reply(text="Booked"))
        execution = engine.start_execution(caller, {})
    execution.refresh_from_db()
    step = Step.objects.get(execution=execution, key="ai_agent")
    assert execution.status == "succeeded", step.error
    [call] = step.output["tool_calls"]
    [event] = [
        e for e in google.events["team@acme.com"].values() if e["summary"].startswith("Call")
    ]
    assert event["summary"].strip() == "Call with Ada" and event["location"] == "Online"
    assert event["start"]["dateTime"] == "2026-03-04T10:00:00+00:00"
    assert call["result"]["id"] == event["id"]
