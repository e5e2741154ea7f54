"""trigger.poll's google_calendar source against the fake Google Calendar
(tests/fakes/google_calendar.py) and the import of n8n's Google Calendar Trigger
(editor/n8n/apps_calendar_trigger.py): events created, updated (each change), cancelled,
started and ended in the last day, the first poll recording them and each new one starting a
run with the event as Calendar gives it; an imported trigger polls the fake."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from credentials import store
from editor.graph import ImportRefused
from editor.n8n import convert
from editor.nodes import trigger_poll
from editor.validation import validate_graph
from executions.models import Execution
from integrations.google_calendar import new_events
from tests.fakes import running
from tests.fakes.google_calendar import FakeCalendar
from tests.fakes.google_sheets import new_key
from tests.test_n8n_apps import BASE as N8N
from tests.test_poll_trigger import active, poll_now
from workfuse.lib.node_run import Secret

TEAM = "team@acme.com"
PARIS = ZoneInfo("Europe/Paris")


def at(minutes: float) -> str:
    """An instant `minutes` from now (negative: ago), as Calendar writes it."""
    moment = datetime.now(UTC) + timedelta(minutes=minutes)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@pytest.fixture(scope="module")
def keys() -> tuple[Any, str]:
    return new_key()


@pytest.fixture
def google(keys: tuple[Any, str], settings: Any) -> Iterator[FakeCalendar]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeCalendar(keys[0].public_key())) as fake:
        fake.add_calendar(TEAM, "Europe/Paris")
        yield fake


def key(google: FakeCalendar, keys: tuple[Any, str]) -> Secret:
    settings = {"base_url": google.url, "token_url": google.token_url}
    return Secret("google_sheets", {"service_account_key": keys[1]}, settings, name="Acme Google")


def events(google: FakeCalendar, keys: Any, event: str, **more: Any) -> list[str]:
    settings = {"calendar_id": TEAM, "calendar_event": event, **more}
    return [e["summary"] for e in new_events.poll_events(key(google, keys), settings)]


def test_created_updated_and_cancelled_events_of_the_last_day(google, keys):
    google.add_event(TEAM, "New", at(60), at(90), created=at(-10), updated=at(-10))
    google.add_event(TEAM, "Moved", at(60), at(90), created=at(-4000), updated=at(-5))
    google.add_event(TEAM, "Stale", at(60), at(90), created=at(-4000), updated=at(-3000))
    google.add_event(
        TEAM, "Dropped", at(60), at(90), created=at(-4000), updated=at(-3), status="cancelled"
    )
    assert events(google, keys, "event_created") == ["New"]
    query = google.requests[-1].query
    assert query["orderBy"] == ["updated"] and query["showDeleted"] == ["false"]
    assert datetime.fromisoformat(query["updatedMin"][0]) < datetime.now(UTC) - timedelta(hours=23)
    [moved] = new_events.poll_events(
        key(google, keys), {"calendar_id": TEAM, "calendar_event": "event_updated"}
    )
    assert moved["summary"] == "Moved" and moved["change_id"] == f"{moved['id']}@{moved['updated']}"
    assert events(google, keys, "event_cancelled") == ["Dropped"]
    assert google.requests[-1].query["showDeleted"] == ["true"]
    assert events(google, keys, "event_created", calendar_match="new") == ["New"]
    assert google.requests[-1].query["q"] == ["new"]


def test_started_and_ended_events_of_the_last_day(google, keys):
    google.add_event(TEAM, "Going on", at(-30), at(30))
    google.add_event(TEAM, "Over", at(-60), at(-10))
    google.add_event(TEAM, "Later", at(60), at(90))
    google.add_event(TEAM, "Long ago", at(-3000), at(-2900))
    today = datetime.now(PARIS).date()
    google.add_event(TEAM, "All day", today.isoformat(), (today + timedelta(days=1)).isoformat())
    assert set(events(google, keys, "event_started")) == {"Over", "Going on", "All day"}
    query = google.requests[-1].query
    assert query["singleEvents"] == ["true"] and query["orderBy"] == ["startTime"]
    assert set(query) >= {"timeMin", "timeMax"}
    assert events(google, keys, "event_ended") == ["Over"]


def test_the_source_names_the_calendar_it_needs():
    with pytest.raises(ValidationError) as caught:
        trigger_poll.Config.model_validate({"source": "google_calendar"})
    assert [e["loc"] for e in caught.value.errors()] == [("calendar_id",)]
    config = trigger_poll.Config.model_validate(
        {"source": "google_calendar", "calendar_id": TEAM, "calendar_event": "event_ended"}
    )
    assert trigger_poll.asks(config) == f"Google Calendar {TEAM} (event_ended)"
    assert trigger_poll.source_settings(config) == {
        "calendar_id": TEAM,
        "calendar_event": "event_ended",
        "calendar_match": "",
    }


def credential(owner: Any, google: FakeCalendar, keys: Any) -> int:
    value = {"service_account_key": keys[1], "base_url": google.url, "token_url": google.token_url}
    return store.create(owner, "Acme Google", "google_sheets", value).pk


# --- the import ---------------------------------------------------------------------------------

# The corpus's trigger (wesley 0078_Manual_Slack_Monitor_Webhook's "Event Started").
TRIGGER = {
    "options": {},
    "pollTimes": {"item": [{"mode": "everyX", "unit": "minutes", "value": 5}]},
    "triggerOn": "eventStarted",
    "calendarId": TEAM,
}


def export(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "Calendar watch",
        "nodes": [
            {
                "parameters": params,
                "name": "Event Started",
                "type": f"{N8N}googleCalendarTrigger",
                "typeVersion": 1,
                "position": [0, 0],
            },
            {
                "parameters": {
                    "values": {
                        "string": [{"name": "id", "value": '={{$json["id"].split("_")[0]}}'}]
                    }
                },
                "name": "Set",
                "type": f"{N8N}set",
                "typeVersion": 2,
                "position": [240, 0],
            },
        ],
        "connections": {"Event Started": {"main": [[{"node": "Set", "type": "main", "index": 0}]]}},
    }


def test_the_trigger_becomes_a_calendar_poll():
    graph = convert(export(TRIGGER))
    assert validate_graph(graph) == []
    trigger = next(n for n in graph["nodes"] if n["type"] == "trigger.poll")
    assert trigger["config"] == {
        "source": "google_calendar",
        "calendar_id": TEAM,
        "calendar_event": "event_started",
        "id_field": "id",
        "interval_seconds": 300,
    }
    assert "reads what happened in the last day" in trigger["notes"]
    updated = {**TRIGGER, "triggerOn": "eventUpdated", "options": {"matchTerm": "standup"}}
    config = next(n for n in convert(export(updated))["nodes"] if n["type"] == "trigger.poll")
    assert config["config"]["id_field"] == "change_id"
    assert config["config"]["calendar_match"] == "standup"


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"calendarId": ""}, "watches no calendar"),
        ({"calendarId": "={{ $json.calendar }}"}, "names its calendar with an expression"),
        ({"triggerOn": ""}, "starts on 'nothing'"),
    ],
)
def test_a_trigger_missing_a_setting_is_refused_by_name(change, said):
    with pytest.raises(ImportRefused) as refused:
        convert(export({**TRIGGER, **change}))
    [issue] = refused.value.issues
    assert "'Event Started' (n8n-nodes-base.googleCalendarTrigger): " in issue.message
    assert said in issue.message


@pytest.mark.django_db(transaction=True)
def test_an_imported_trigger_starts_a_run_per_event_started(alice, google, keys):
    google.add_event(TEAM, "Earlier", at(-30), at(-20))
    graph = convert(export(TRIGGER))
    graph["nodes"][0]["config"]["credential"] = credential(alice, google, keys)
    workflow = active(alice, graph)
    assert poll_now(workflow) == 0  # the first poll records what is there
    google.add_event(TEAM, "Weekly", at(-1), at(30), id="wk1_20261207T090000Z")
    google.add_event(TEAM, "Soon", at(30), at(60))
    assert poll_now(workflow) == 1
    assert poll_now(workflow) == 1
    run = Execution.objects.get(workflow=workflow)
    assert run.status == "succeeded", run.error
    assert run.trigger_data["summary"] == "Weekly"
    [step] = run.steps.exclude(key=graph["nodes"][0]["id"])
    assert step.output["result"]["id"] == "wk1"  # the Set node split the occurrence's id
