"""trigger.poll's strava source against the fake Strava (tests/fakes/strava.py) and the import
of n8n's Strava Trigger (editor/n8n/apps_strava.py): the first poll records the athlete's newest
activities, each new activity (or, for activity_changed, each change of name, sport type or
visibility) starts one run with n8n's event shape, and an imported trigger polls the fake; the
events a poll cannot see are refused by name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from credentials import store
from editor.graph import ImportRefused
from editor.n8n import convert
from editor.nodes import trigger_poll
from editor.validation import validate_graph
from executions.models import Execution
from integrations.strava import new_activities
from tests.fakes import running
from tests.fakes.strava import ATHLETE, FakeStrava
from tests.test_integrations_strava import athlete, fields
from tests.test_n8n_apps import BASE as N8N
from tests.test_poll_trigger import active, poll_now


@pytest.fixture
def strava(settings: Any) -> Iterator[FakeStrava]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeStrava()) as fake:
        fake.add("Old run", "2026-10-01T07:00:00Z")
        yield fake


def test_activities_come_newest_first_as_n8n_s_events(strava):
    strava.add("Ride", "2026-10-02T07:00:00Z", sport_type="Ride", type="Ride")
    ride, run = new_activities.poll_activities(
        athlete(strava), {"strava_event": "activity_created"}
    )
    assert ride["aspect_type"] == "create" and ride["object_type"] == "activity"
    assert ride["object_id"] == ride["object_data"]["id"] and ride["owner_id"] == ATHLETE["id"]
    assert ride["object_data"]["name"] == "Ride" and ride["updates"] == {}
    assert isinstance(ride["event_time"], int)
    assert ride["change_id"] == f"{ride['object_id']}@Ride|Ride|everyone"
    assert run["object_data"]["name"] == "Old run"
    assert strava.requests[-1].query == {"per_page": ["30"]}
    changed = new_activities.poll_activities(athlete(strava), {"strava_event": "activity_changed"})
    assert {event["aspect_type"] for event in changed} == {"update"}


def test_the_source_needs_no_other_setting_and_takes_a_strava_credential():
    config = trigger_poll.Config.model_validate({"source": "strava", "id_field": "object_id"})
    assert trigger_poll.asks(config) == "Strava activities (activity_created)"
    assert trigger_poll.source_settings(config) == {"strava_event": "activity_created"}
    assert "strava" in trigger_poll.NODE.credential_kinds


def poll_graph(credential: int, event: str, id_field: str) -> dict[str, Any]:
    config = {
        "source": "strava",
        "strava_event": event,
        "credential": credential,
        "id_field": id_field,
        "interval_seconds": 300,
    }
    trigger = {"id": "activity", "type": "trigger.poll", "config": config}
    note = {
        "id": "note",
        "type": "utility.transform",
        "config": {"language": "template", "expression": "{{ trigger.object_data.name }}"},
    }
    return {"nodes": [trigger, note], "edges": [{"source": "activity", "target": "note"}]}


@pytest.mark.django_db(transaction=True)
def test_each_new_activity_starts_one_run(alice, strava):
    credential = store.create(alice, "Ada's Strava", "strava", fields(strava)).pk
    workflow = active(alice, poll_graph(credential, "activity_created", "object_id"))
    assert poll_now(workflow) == 0  # the first poll records what is there
    added = strava.add("Tempo", "2026-10-03T07:00:00Z")
    assert poll_now(workflow) == 1
    added["name"] = "Tempo run"  # a change is not a new activity
    assert poll_now(workflow) == 1
    run = Execution.objects.get(workflow=workflow)
    assert run.status == "succeeded", run.error
    assert run.trigger_data["object_id"] == added["id"]
    assert run.steps.get(key="note").output["result"] == "Tempo"


@pytest.mark.django_db(transaction=True)
def test_each_change_of_name_type_or_visibility_starts_one_run(alice, strava):
    credential = store.create(alice, "Ada's Strava", "strava", fields(strava)).pk
    workflow = active(alice, poll_graph(credential, "activity_changed", "change_id"))
    assert poll_now(workflow) == 0
    [old] = strava.activities
    old["name"] = "Easy run"
    assert poll_now(workflow) == 1
    old["visibility"] = "only_me"
    assert poll_now(workflow) == 2
    old["kudos_count"] = 4  # not what Strava's update events report
    assert poll_now(workflow) == 2
    notes = [r.steps.get(key="note").output["result"] for r in Execution.objects.all()]
    assert notes == ["Easy run", "Easy run"]


# --- the import ---------------------------------------------------------------------------------


def export(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "Strava watch",
        "nodes": [
            {
                "parameters": params,
                "name": "Strava Trigger",
                "type": f"{N8N}stravaTrigger",
                "typeVersion": 1,
                "position": [0, 0],
            },
            {
                "parameters": {
                    "values": {"string": [{"name": "t", "value": "={{ $json.object_data.name }}"}]}
                },
                "name": "Set",
                "type": f"{N8N}set",
                "typeVersion": 2,
                "position": [240, 0],
            },
        ],
        "connections": {
            "Strava Trigger": {"main": [[{"node": "Set", "type": "main", "index": 0}]]}
        },
    }


@pytest.mark.parametrize(
    ("params", "event", "id_field", "said"),
    [
        # The corpus's trigger (AI Fitness Coach Strava Data Analysis ...).
        (
            {"event": "update", "object": "activity", "options": {}},
            "activity_changed",
            "change_id",
            "and also when a new activity appears",
        ),
        ({"event": "create", "object": "activity"}, "activity_created", "object_id", "30 newest"),
        ({}, "activity_changed", "change_id", "WorkFuse's poll sees new and changed activities"),
    ],
)
def test_the_trigger_becomes_a_strava_poll(params, event, id_field, said):
    graph = convert(export(params))
    assert validate_graph(graph) == []
    trigger = next(n for n in graph["nodes"] if n["type"] == "trigger.poll")
    assert trigger["config"] == {
        "source": "strava",
        "strava_event": event,
        "id_field": id_field,
        "interval_seconds": 300,
    }
    assert said in trigger["notes"]


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"object": "athlete"}, "starts on athlete events"),
        ({"object": "activity", "event": "delete"}, "starts on deleted activities"),
    ],
)
def test_what_a_poll_cannot_see_is_refused_by_name(params, said):
    with pytest.raises(ImportRefused) as refused:
        convert(export(params))
    [issue] = refused.value.issues
    assert "'Strava Trigger' (n8n-nodes-base.stravaTrigger): " in issue.message
    assert said in issue.message


@pytest.mark.django_db(transaction=True)
def test_an_imported_trigger_polls_the_athlete_s_activities(alice, strava):
    graph = convert(export({"event": "create", "object": "activity"}))
    credential = store.create(alice, "Ada's Strava", "strava", fields(strava)).pk
    graph["nodes"][0]["config"]["credential"] = credential
    workflow = active(alice, graph)
    assert poll_now(workflow) == 0
    strava.add("Intervals", "2026-10-04T07:00:00Z")
    assert poll_now(workflow) == 1
    run = Execution.objects.get(workflow=workflow)
    assert run.status == "succeeded", run.error
    [step] = run.steps.exclude(key=graph["nodes"][0]["id"])
    assert step.output["result"]["t"] == "Intervals"  # the Set node read $json.object_data.name
